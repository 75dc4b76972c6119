/*
 * Minimal libebur128 meter for the loudness tests (an independent reference).
 * Usage: r128meter CHANNELS RATE [N] < interleaved float32
 * Feeds RATE/N frames per call (N = 100: 10 ms), tracking max momentary after 0.4 s and max
 * short-term after 3 s. Prints: I LRA maxM maxS (LUFS / LU, %.4f).
 * 5 channels are mapped L R C Ls Rs, as the meter under test does.
 */
#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  unsigned channels = (unsigned)atoi(argv[1]);
  unsigned long rate = (unsigned long)atol(argv[2]);
  unsigned n = argc > 3 ? (unsigned)atoi(argv[3]) : 100;
  ebur128_state *st = ebur128_init(channels, rate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_M | EBUR128_MODE_S);
  if (!st) return 3;
  if (channels == 5) {
    ebur128_set_channel(st, 0, EBUR128_LEFT);
    ebur128_set_channel(st, 1, EBUR128_RIGHT);
    ebur128_set_channel(st, 2, EBUR128_CENTER);
    ebur128_set_channel(st, 3, EBUR128_LEFT_SURROUND);
    ebur128_set_channel(st, 4, EBUR128_RIGHT_SURROUND);
  }
  size_t chunk = rate / n;
  float *buf = malloc(chunk * channels * sizeof(float));
  double maxM = -HUGE_VAL, maxS = -HUGE_VAL, v;
  unsigned long long total = 0;
  size_t got;
  while ((got = fread(buf, sizeof(float) * channels, chunk, stdin)) > 0) {
    ebur128_add_frames_float(st, buf, got);
    total += got;
    if (total >= rate * 4 / 10 && ebur128_loudness_momentary(st, &v) == EBUR128_SUCCESS && v > maxM) maxM = v;
    if (total >= rate * 3 && ebur128_loudness_shortterm(st, &v) == EBUR128_SUCCESS && v > maxS) maxS = v;
  }
  double I = -HUGE_VAL, lra = 0;
  ebur128_loudness_global(st, &I);
  ebur128_loudness_range(st, &lra);
  printf("%.4f %.4f %.4f %.4f\n", I, lra, maxM, maxS);
  ebur128_destroy(&st);
  free(buf);
  return 0;
}
