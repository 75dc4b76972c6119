/*
 * lp_harness.c - test harness for the C codec (lathe_proto.c). Host-only: uses stdio/stdlib.
 * Driven by tests/firmware-protocol/c-codec.test.ts, which converts vectors.json into lines on
 * stdin (hex without spaces, "-" for no bytes):
 *
 *   crc <ascii-hex> <check-hex>
 *   cobs <data-hex> <encoded-hex>
 *   frame <seq> <wire-hex>          (wire bytes incl. the 0x00 delimiter)
 *   corrupt <error> <wire-hex>
 *
 * Modes (argv[1]):
 *   vectors                         decode/encode every vector, print results for the TS side
 *   bitflip                         flip every bit of every frame vector
 *   limits                          length limits and value ranges of every message type
 *   fuzz <seed> <random> <corrupt> <validcrc>
 *                                   random buffers, corrupted vectors, random valid-CRC frames
 */
#include "../lathe_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define MAX_VECTORS 256
#define MAX_BYTES 1024

typedef struct {
    char kind[16];
    char word[32];            /* crc: unused; frame: seq; corrupt: error name */
    uint8_t a[MAX_BYTES];     /* crc: input; cobs: data; frame/corrupt: wire */
    size_t a_len;
    uint8_t b[MAX_BYTES];     /* crc: check; cobs: encoded */
    size_t b_len;
} vec;

static vec vecs[MAX_VECTORS];
static size_t n_vecs;

static void die(const char *msg)
{
    fprintf(stderr, "lp_harness: %s\n", msg);
    exit(2);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t parse_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (strcmp(s, "-") == 0) return 0;
    while (s[0] != '\0') {
        int hi = hexval((unsigned char)s[0]);
        int lo = s[1] != '\0' ? hexval((unsigned char)s[1]) : -1;
        if (hi < 0 || lo < 0 || n >= cap) die("bad hex");
        out[n++] = (uint8_t)(hi * 16 + lo);
        s += 2;
    }
    return n;
}

static void read_vectors(void)
{
    static char line[MAX_LINE];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char f1[16], f2[MAX_LINE], f3[MAX_LINE];
        int got;
        vec *v;
        if (line[0] == '\n' || line[0] == '#') continue;
        if (strlen(line) >= sizeof line - 1) die("line too long");
        got = sscanf(line, "%15s %4095s %4095s", f1, f2, f3);
        if (got != 3) die("bad line");
        if (n_vecs >= MAX_VECTORS) die("too many vectors");
        v = &vecs[n_vecs++];
        memset(v, 0, sizeof *v);
        snprintf(v->kind, sizeof v->kind, "%s", f1);
        if (strcmp(f1, "crc") == 0 || strcmp(f1, "cobs") == 0) {
            v->a_len = parse_hex(f2, v->a, sizeof v->a);
            v->b_len = parse_hex(f3, v->b, sizeof v->b);
        } else if (strcmp(f1, "frame") == 0 || strcmp(f1, "corrupt") == 0) {
            if (strlen(f2) >= sizeof v->word) die("word too long");
            memcpy(v->word, f2, strlen(f2) + 1);
            v->a_len = parse_hex(f3, v->a, sizeof v->a);
        } else {
            die("unknown line kind");
        }
    }
}

static void print_hex(const uint8_t *p, size_t n)
{
    size_t i;
    if (n == 0) {
        fputs("-", stdout);
        return;
    }
    for (i = 0; i < n; i++) printf("%02x", p[i]);
}

static const char *led_state_name(uint8_t s)
{
    return s == LP_LED_OFF ? "off" : s == LP_LED_ON ? "on" : s == LP_LED_BLINK ? "blink" : "?";
}

static const char *boolstr(bool b)
{
    return b ? "true" : "false";
}

/* The decoded message as one line of JSON, with vectors.json's field names. */
static void print_json(const lp_message *m)
{
    unsigned k;
    switch (m->type) {
    case LP_HELLO:
        printf("{\"type\":\"hello\",\"protocolMajor\":%u,\"protocolMinor\":%u,\"hostNonce\":%lu}",
               m->u.hello.proto_major, m->u.hello.proto_minor, (unsigned long)m->u.hello.host_nonce);
        break;
    case LP_PING: printf("{\"type\":\"ping\"}"); break;
    case LP_FADER_SETPOINT:
        printf("{\"type\":\"faderSetpoint\",\"setpoints\":[");
        for (k = 0; k < m->u.fader_setpoint.count; k++)
            printf("%s{\"fader\":%u,\"position\":%u}", k ? "," : "", m->u.fader_setpoint.setpoints[k].fader,
                   m->u.fader_setpoint.setpoints[k].position);
        printf("]}");
        break;
    case LP_LED_SET:
        printf("{\"type\":\"ledSet\",\"leds\":[");
        for (k = 0; k < m->u.led_set.count; k++)
            printf("%s{\"led\":%u,\"state\":\"%s\"}", k ? "," : "", m->u.led_set.leds[k].led,
                   led_state_name(m->u.led_set.leds[k].state));
        printf("]}");
        break;
    case LP_DISPLAY_TEXT:
        printf("{\"type\":\"displayText\",\"display\":%u,\"offset\":%u,\"text\":\"", m->u.display_text.display,
               m->u.display_text.offset);
        for (k = 0; k < m->u.display_text.length; k++) {
            char c = m->u.display_text.text[k];
            if (c == '"' || c == '\\') putchar('\\');
            putchar(c);
        }
        printf("\"}");
        break;
    case LP_METER_LEVELS:
        printf("{\"type\":\"meterLevels\",\"first\":%u,\"levels\":[", m->u.meter_levels.first);
        for (k = 0; k < m->u.meter_levels.count; k++) printf("%s%u", k ? "," : "", m->u.meter_levels.levels[k]);
        printf("]}");
        break;
    case LP_CALIBRATE: printf("{\"type\":\"calibrate\",\"fader\":%u}", m->u.calibrate.fader); break;
    case LP_RESET: printf("{\"type\":\"reset\"}"); break;
    case LP_HELLO_ACK: {
#define h (&m->u.hello_ack)
        printf("{\"type\":\"helloAck\",\"protocolMajor\":%u,\"protocolMinor\":%u,"
               "\"firmware\":{\"major\":%u,\"minor\":%u,\"patch\":%u},\"uid\":\"",
               h->proto_major, h->proto_minor, h->fw_major, h->fw_minor, h->fw_patch);
        print_hex(h->uid, LP_UID_LEN);
        printf("\",\"hostNonce\":%lu,\"faders\":%u,\"faderBits\":%u,\"touchSensors\":%u,\"motors\":%u,"
               "\"buttons\":%u,\"encoders\":%u,\"leds\":%u,\"displays\":%u,\"displayChars\":%u,\"meters\":%u,"
               "\"maxRateHz\":%u,\"calibration\":[",
               (unsigned long)h->host_nonce, h->faders, h->fader_bits, h->touch_sensors, h->motors, h->buttons,
               h->encoders, h->leds, h->displays, h->display_chars, h->meters, h->max_rate_hz);
        for (k = 0; k < h->faders; k++)
            printf("%s{\"min\":%u,\"max\":%u}", k ? "," : "", h->calibration[k].min, h->calibration[k].max);
        printf("]}");
#undef h
        break;
    }
    case LP_PONG:
        printf("{\"type\":\"pong\",\"status\":%u,\"uptimeMs\":%lu,\"crcErrors\":%u,\"framingErrors\":%u,"
               "\"overruns\":%u,\"watchdogTrips\":%u}",
               m->u.pong.status, (unsigned long)m->u.pong.uptime_ms, m->u.pong.crc_errors, m->u.pong.framing_errors,
               m->u.pong.overruns, m->u.pong.watchdog_trips);
        break;
    case LP_FADER_POSITION:
        printf("{\"type\":\"faderPosition\",\"fader\":%u,\"position\":%u}", m->u.fader_position.fader,
               m->u.fader_position.position);
        break;
    case LP_TOUCH:
        printf("{\"type\":\"touch\",\"fader\":%u,\"touched\":%s,\"position\":%u}", m->u.touch.fader,
               boolstr(m->u.touch.touched), m->u.touch.position);
        break;
    case LP_BUTTON:
        printf("{\"type\":\"button\",\"button\":%u,\"pressed\":%s}", m->u.button.button,
               boolstr(m->u.button.pressed));
        break;
    case LP_ENCODER:
        printf("{\"type\":\"encoder\",\"encoder\":%u,\"delta\":%d}", m->u.encoder.encoder, m->u.encoder.delta);
        break;
    case LP_CALIBRATE_RESULT:
        printf("{\"type\":\"calibrateResult\",\"fader\":%u,\"min\":%u,\"max\":%u,\"ok\":%s}",
               m->u.calibrate_result.fader, m->u.calibrate_result.min, m->u.calibrate_result.max,
               boolstr(m->u.calibrate_result.ok));
        break;
    case LP_ACK:
        printf("{\"type\":\"ack\",\"ackedType\":%u,\"ackedSeq\":%u,\"result\":%u}", m->u.ack.acked_type,
               m->u.ack.acked_seq, m->u.ack.result);
        break;
    case LP_ERROR:
        printf("{\"type\":\"error\",\"code\":%u,\"offendingType\":%u,\"offendingSeq\":%u}", m->u.error.code,
               m->u.error.offending_type, m->u.error.offending_seq);
        break;
    default: printf("{\"type\":\"?%u\"}", m->type); break;
    }
}

/* Message equality: the encoding is injective, so equal encodings (same seq) mean equal messages. */
static bool same_message(const lp_message *a, uint8_t seq_a, const lp_message *b, uint8_t seq_b)
{
    uint8_t wa[LP_MAX_WIRE], wb[LP_MAX_WIRE];
    size_t na = lp_encode_frame(a, seq_a, wa, sizeof wa);
    size_t nb = lp_encode_frame(b, seq_b, wb, sizeof wb);
    if (na == 0 || nb == 0) die("same_message: a decoded message does not encode");
    return na == nb && memcmp(wa, wb, na) == 0;
}

/* Feeds bytes to a stream; stores the last non-NONE result (and message) seen. Returns how many
 * frames completed. */
static unsigned push_all(lp_stream *s, const uint8_t *p, size_t n, lp_result *last, lp_message *m, uint8_t *seq,
                         unsigned *oks)
{
    size_t i;
    unsigned done = 0;
    for (i = 0; i < n; i++) {
        lp_result r = lp_stream_push(s, p[i], m, seq);
        if (r != LP_NONE) {
            done++;
            *last = r;
            if (r == LP_OK && oks != NULL) (*oks)++;
        }
    }
    return done;
}

/* ------------------------------------------------------------------------------------------- */

static lp_message msg_store; /* big; keep off the stack */

static void stream_line(lp_result r, uint8_t seq, const lp_message *m)
{
    printf("stream %s", lp_result_name(r));
    if (r == LP_OK) {
        printf(" %u ", seq);
        print_json(m);
    }
    putchar('\n');
}

static void stream_feed(lp_stream *s, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t seq = 0;
        lp_result r = lp_stream_push(s, p[i], &msg_store, &seq);
        if (r != LP_NONE) stream_line(r, seq, &msg_store);
    }
}

static int mode_vectors(void)
{
    size_t i;
    unsigned n_cobs = 0, n_frame = 0, n_corrupt = 0;
    static lp_stream stream;
    static uint8_t buf[MAX_BYTES];

    for (i = 0; i < n_vecs; i++) {
        vec *v = &vecs[i];
        if (strcmp(v->kind, "crc") == 0) {
            printf("crc %04x\n", lp_crc16(v->a, v->a_len));
        } else if (strcmp(v->kind, "cobs") == 0) {
            size_t enc = lp_cobs_encode(v->a, v->a_len, buf, sizeof buf), dec = 0;
            printf("cobs %u ", n_cobs++);
            if (enc == 0) fputs("ERR", stdout);
            else print_hex(buf, enc);
            putchar(' ');
            if (!lp_cobs_decode(v->b, v->b_len, buf, sizeof buf, &dec)) fputs("ERR", stdout);
            else print_hex(buf, dec);
            putchar('\n');
        } else if (strcmp(v->kind, "frame") == 0) {
            uint8_t seq = 0;
            lp_result r = lp_decode_frame(v->a, v->a_len, &msg_store, &seq);
            printf("frame %u %s %u ", n_frame++, lp_result_name(r), seq);
            if (r == LP_OK) {
                size_t w = lp_encode_frame(&msg_store, seq, buf, sizeof buf);
                if (w == 0) fputs("ENCODE-FAILED", stdout);
                else print_hex(buf, w);
                putchar(' ');
                print_json(&msg_store);
            } else {
                fputs("- -", stdout);
            }
            putchar('\n');
        } else if (strcmp(v->kind, "corrupt") == 0) {
            lp_stream s1;
            lp_result r = lp_decode_frame(v->a, v->a_len, &msg_store, NULL);
            lp_result rs = LP_NONE;
            uint8_t seq = 0;
            unsigned done;
            lp_stream_init(&s1);
            done = push_all(&s1, v->a, v->a_len, &rs, &msg_store, &seq, NULL);
            printf("corrupt %u %s %s %u\n", n_corrupt++, lp_result_name(r), lp_result_name(rs), done);
        }
    }

    /* One continuous stream: junk, an overlong run, empty frames, every frame, every corrupt frame. */
    lp_stream_init(&stream);
    {
        static const uint8_t junk[] = {0x11, 0x22, 0x33, 0x00}; /* partial frame, flushed: cobs */
        static const uint8_t empties[] = {0x00, 0x00, 0x00};
        static uint8_t overlong[301];
        memset(overlong, 0x07, 300);
        overlong[300] = 0x00;
        stream_feed(&stream, junk, sizeof junk);
        stream_feed(&stream, overlong, sizeof overlong);
        stream_feed(&stream, empties, sizeof empties);
        for (i = 0; i < n_vecs; i++)
            if (strcmp(vecs[i].kind, "frame") == 0) {
                stream_feed(&stream, vecs[i].a, vecs[i].a_len);
                if (i % 2 == 0) stream_feed(&stream, empties, 1); /* a flush 0x00 between frames */
            }
        for (i = 0; i < n_vecs; i++)
            if (strcmp(vecs[i].kind, "corrupt") == 0) stream_feed(&stream, vecs[i].a, vecs[i].a_len);
    }
    printf("counts");
    for (i = 0; i < LP_RESULT_COUNT; i++) printf(" %s=%u", lp_result_name((lp_result)i), stream.counts[i]);
    printf(" crc_errors=%u framing_errors=%u overruns=%u\n", lp_stream_crc_errors(&stream),
           lp_stream_framing_errors(&stream), lp_stream_overruns(&stream));
    return 0;
}

/* ------------------------------------------------------------------------------------------- */

static void print_hist(const char *name, const unsigned long *h)
{
    unsigned i;
    printf("%s_results", name);
    for (i = 0; i < LP_RESULT_COUNT; i++) printf(" %s=%lu", lp_result_name((lp_result)i), h[i]);
    putchar('\n');
}

static int mode_bitflip(void)
{
    size_t i, byte;
    unsigned bit;
    unsigned long trials = 0, accepted = 0, identical = 0, stream_accepted = 0, stream_identical = 0;
    unsigned long hist[LP_RESULT_COUNT] = {0};
    static lp_message orig, got;

    for (i = 0; i < n_vecs; i++) {
        vec *v = &vecs[i];
        uint8_t seq0 = 0;
        uint8_t *w;
        if (strcmp(v->kind, "frame") != 0) continue;
        if (lp_decode_frame(v->a, v->a_len, &orig, &seq0) != LP_OK) die("bitflip: a frame vector does not decode");
        w = malloc(v->a_len); /* exact size: ASan sees any overread */
        if (w == NULL) die("malloc");
        for (byte = 0; byte + 1 < v->a_len; byte++) {
            for (bit = 0; bit < 8; bit++) {
                uint8_t seq = 0;
                lp_result r;
                lp_stream s;
                size_t k;
                memcpy(w, v->a, v->a_len);
                w[byte] ^= (uint8_t)(1u << bit);
                trials++;
                r = lp_decode_frame(w, v->a_len, &got, &seq);
                hist[r]++;
                if (r == LP_OK) {
                    accepted++;
                    if (same_message(&orig, seq0, &got, seq)) identical++;
                }
                /* byte by byte through a stream too (a flip to 0x00 splits the frame in two) */
                lp_stream_init(&s);
                for (k = 0; k < v->a_len; k++) {
                    lp_result rs = lp_stream_push(&s, w[k], &got, &seq);
                    if (rs == LP_OK) {
                        stream_accepted++;
                        if (same_message(&orig, seq0, &got, seq)) stream_identical++;
                    }
                }
            }
        }
        free(w);
    }
    printf("bitflip trials=%lu accepted=%lu identical=%lu stream_accepted=%lu stream_identical=%lu\n", trials,
           accepted, identical, stream_accepted, stream_identical);
    print_hist("bitflip", hist);
    return 0;
}

/* ------------------------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static uint8_t rnd_byte(void)
{
    return (uint8_t)rnd();
}

#define MAX_FUZZ_LEN 300

/* Random valid message of a random known type. */
static void random_message(lp_message *m)
{
    static const uint8_t types[] = {LP_HELLO, LP_PING, LP_FADER_SETPOINT, LP_LED_SET, LP_DISPLAY_TEXT,
                                    LP_METER_LEVELS, LP_CALIBRATE, LP_RESET, LP_HELLO_ACK, LP_PONG,
                                    LP_FADER_POSITION, LP_TOUCH, LP_BUTTON, LP_ENCODER, LP_CALIBRATE_RESULT,
                                    LP_ACK, LP_ERROR};
    unsigned k;
    uint8_t raw[64];
    for (k = 0; k < sizeof raw; k++) raw[k] = rnd_byte();
    memset(m, 0, sizeof *m);
    m->type = types[rnd_below(sizeof types)];
    switch (m->type) {
    case LP_HELLO:
        m->u.hello.proto_major = raw[0];
        m->u.hello.proto_minor = raw[1];
        m->u.hello.host_nonce = (uint32_t)rnd();
        break;
    case LP_FADER_SETPOINT:
        m->u.fader_setpoint.count = (uint8_t)(1 + rnd_below(LP_MAX_SETPOINTS));
        for (k = 0; k < m->u.fader_setpoint.count; k++) {
            m->u.fader_setpoint.setpoints[k].fader = rnd_byte();
            m->u.fader_setpoint.setpoints[k].position = (uint16_t)rnd();
        }
        break;
    case LP_LED_SET:
        m->u.led_set.count = (uint8_t)(1 + rnd_below(LP_MAX_LED_ENTRIES));
        for (k = 0; k < m->u.led_set.count; k++) {
            m->u.led_set.leds[k].led = rnd_byte();
            m->u.led_set.leds[k].state = (uint8_t)rnd_below(3);
        }
        break;
    case LP_DISPLAY_TEXT:
        m->u.display_text.display = raw[0];
        m->u.display_text.offset = raw[1];
        m->u.display_text.length = (uint8_t)rnd_below(LP_MAX_TEXT + 1);
        for (k = 0; k < m->u.display_text.length; k++) m->u.display_text.text[k] = (char)(0x20 + rnd_below(95));
        break;
    case LP_METER_LEVELS:
        m->u.meter_levels.first = raw[0];
        m->u.meter_levels.count = (uint8_t)(1 + rnd_below(LP_MAX_LEVELS));
        for (k = 0; k < m->u.meter_levels.count; k++) m->u.meter_levels.levels[k] = rnd_byte();
        break;
    case LP_CALIBRATE: m->u.calibrate.fader = raw[0]; break;
    case LP_HELLO_ACK:
        m->u.hello_ack.proto_major = raw[0];
        m->u.hello_ack.proto_minor = raw[1];
        m->u.hello_ack.fw_major = raw[2];
        m->u.hello_ack.fw_minor = raw[3];
        m->u.hello_ack.fw_patch = raw[4];
        memcpy(m->u.hello_ack.uid, raw + 5, LP_UID_LEN);
        m->u.hello_ack.host_nonce = (uint32_t)rnd();
        m->u.hello_ack.faders = (uint8_t)rnd_below(LP_MAX_FADERS + 1);
        m->u.hello_ack.fader_bits = (uint8_t)(1 + rnd_below(16));
        m->u.hello_ack.touch_sensors = raw[20];
        m->u.hello_ack.motors = raw[21];
        m->u.hello_ack.buttons = raw[22];
        m->u.hello_ack.encoders = raw[23];
        m->u.hello_ack.leds = raw[24];
        m->u.hello_ack.displays = raw[25];
        m->u.hello_ack.display_chars = raw[26];
        m->u.hello_ack.meters = raw[27];
        m->u.hello_ack.max_rate_hz = (uint16_t)rnd();
        for (k = 0; k < m->u.hello_ack.faders; k++) {
            m->u.hello_ack.calibration[k].min = (uint16_t)rnd();
            m->u.hello_ack.calibration[k].max = (uint16_t)rnd();
        }
        break;
    case LP_PONG:
        m->u.pong.status = raw[0];
        m->u.pong.uptime_ms = (uint32_t)rnd();
        m->u.pong.crc_errors = (uint16_t)rnd();
        m->u.pong.framing_errors = (uint16_t)rnd();
        m->u.pong.overruns = (uint16_t)rnd();
        m->u.pong.watchdog_trips = (uint16_t)rnd();
        break;
    case LP_FADER_POSITION:
        m->u.fader_position.fader = raw[0];
        m->u.fader_position.position = (uint16_t)rnd();
        break;
    case LP_TOUCH:
        m->u.touch.fader = raw[0];
        m->u.touch.touched = (raw[1] & 1u) != 0;
        m->u.touch.position = (uint16_t)rnd();
        break;
    case LP_BUTTON:
        m->u.button.button = raw[0];
        m->u.button.pressed = (raw[1] & 1u) != 0;
        break;
    case LP_ENCODER:
        m->u.encoder.encoder = raw[0];
        m->u.encoder.delta = (int8_t)((int)rnd_below(255) - 127);
        break;
    case LP_CALIBRATE_RESULT:
        m->u.calibrate_result.fader = raw[0];
        m->u.calibrate_result.min = (uint16_t)rnd();
        m->u.calibrate_result.max = (uint16_t)rnd();
        m->u.calibrate_result.ok = (raw[1] & 1u) != 0;
        break;
    case LP_ACK:
        m->u.ack.acked_type = raw[0];
        m->u.ack.acked_seq = raw[1];
        m->u.ack.result = (uint8_t)rnd_below(LP_CODE_MAX + 1);
        break;
    case LP_ERROR:
        m->u.error.code = (uint8_t)(1 + rnd_below(LP_CODE_MAX));
        m->u.error.offending_type = raw[0];
        m->u.error.offending_seq = raw[1];
        break;
    default: break;
    }
}

/* Expected payload length of a type given the count byte(s), for biasing random payloads. */
static size_t plausible_len(uint8_t type, const uint8_t *p)
{
    switch (type) {
    case LP_HELLO: return 6;
    case LP_PING: return 0;
    case LP_FADER_SETPOINT: return 1u + 3u * p[0];
    case LP_LED_SET: return 1u + 2u * p[0];
    case LP_DISPLAY_TEXT: return 2u + p[0] % 249u;
    case LP_METER_LEVELS: return 2u + p[1];
    case LP_CALIBRATE: return 1;
    case LP_RESET: return 2;
    case LP_HELLO_ACK: return LP_HELLO_ACK_FIXED + 4u * p[17];
    case LP_PONG: return 13;
    case LP_FADER_POSITION: return 3;
    case LP_TOUCH: return 4;
    case LP_BUTTON: return 2;
    case LP_ENCODER: return 2;
    case LP_CALIBRATE_RESULT: return 6;
    case LP_ACK: return 3;
    case LP_ERROR: return 3;
    default: return p[0] % (LP_MAX_PAYLOAD + 1u);
    }
}

static int mode_fuzz(unsigned long seed, unsigned long n_random, unsigned long n_corrupt, unsigned long n_validcrc)
{
    static uint8_t *exact[MAX_FUZZ_LEN + 1]; /* exact[len]: a heap block of exactly len bytes */
    static lp_stream stream;
    lp_message *msg = malloc(sizeof *msg);
    lp_message *orig = malloc(sizeof *orig);
    size_t frames[MAX_VECTORS];
    size_t n_frames = 0;
    unsigned long t, i;
    unsigned long hist[LP_RESULT_COUNT] = {0};
    unsigned long accepted = 0, identical = 0, roundtrip_fail = 0, stream_ok = 0, cobs_roundtrip_fail = 0;
    uint8_t wire[LP_MAX_WIRE + 8];
    uint8_t tmp[MAX_FUZZ_LEN + 8];

    if (msg == NULL || orig == NULL) die("malloc");
    for (i = 0; i <= MAX_FUZZ_LEN; i++) {
        exact[i] = malloc(i == 0 ? 1 : i);
        if (exact[i] == NULL) die("malloc");
    }
    for (i = 0; i < n_vecs; i++)
        if (strcmp(vecs[i].kind, "frame") == 0) frames[n_frames++] = i;
    if (n_frames == 0) die("fuzz: no frame vectors on stdin");
    rng_state = seed;

    /* 1. Random buffers through lp_decode_frame, lp_stream_push and the COBS functions. */
    lp_stream_init(&stream);
    for (t = 0; t < n_random; t++) {
        size_t len = rnd_below(MAX_FUZZ_LEN + 1);
        unsigned zero_odds = 1 + rnd_below(64); /* 0x00 density varies per buffer */
        uint8_t *b = len == 0 ? NULL : exact[len];
        uint8_t seq = 0;
        lp_result r;
        size_t k, dec_len = 0, cap;
        for (k = 0; k < len; k++) b[k] = rnd_below(zero_odds) == 0 ? 0 : rnd_byte();
        r = lp_decode_frame(b, len, msg, &seq);
        hist[r]++;
        if (r == LP_OK) {
            size_t w;
            accepted++;
            /* an accepted buffer must re-encode to itself (minus a trailing delimiter) */
            w = lp_encode_frame(msg, seq, wire, sizeof wire);
            if (w == 0 || !(w == len + 1 || w == len) || memcmp(wire, b, w - 1) != 0) roundtrip_fail++;
        }
        for (k = 0; k < len; k++)
            if (lp_stream_push(&stream, b[k], msg, &seq) == LP_OK) stream_ok++;
        /* COBS decode of raw bytes into an exactly-sized output of random capacity */
        cap = rnd_below(MAX_FUZZ_LEN + 1);
        (void)lp_cobs_decode(b, len, cap == 0 ? NULL : exact[cap], cap, &dec_len);
        /* COBS encode into an exactly-sized output; a round trip must give the data back */
        cap = rnd_below(MAX_FUZZ_LEN + 1);
        k = lp_cobs_encode(b, len, cap == 0 ? NULL : exact[cap], cap);
        if (k != 0) {
            const uint8_t *enc = exact[cap];
            if (memchr(enc, 0, k) != NULL || !lp_cobs_decode(enc, k, tmp, sizeof tmp, &dec_len) || dec_len != len ||
                (len != 0 && memcmp(tmp, b, len) != 0))
                cobs_roundtrip_fail++;
        } else if (cap >= len + len / 254 + 1) {
            cobs_roundtrip_fail++; /* enough room but refused */
        }
    }
    printf("random trials=%lu accepted=%lu roundtrip_fail=%lu stream_ok=%lu cobs_roundtrip_fail=%lu\n", n_random,
           accepted, roundtrip_fail, stream_ok, cobs_roundtrip_fail);
    print_hist("random", hist);

    /* 2. Corrupted vector frames: bit flips, byte substitutions, truncations, drops, inserts. */
    memset(hist, 0, sizeof hist);
    accepted = identical = 0;
    {
        unsigned long kinds[6] = {0}, stream_accepted = 0, stream_identical = 0;
        lp_stream_init(&stream);
        for (t = 0; t < n_corrupt; t++) {
            const vec *v = &vecs[frames[rnd_below((unsigned)n_frames)]];
            size_t body = v->a_len - 1; /* encoded bytes; the delimiter stays */
            size_t len = 0, k;
            unsigned kind = rnd_below(6);
            uint8_t seq0 = 0, seq = 0;
            lp_result r;
            uint8_t *b;
            memcpy(tmp, v->a, v->a_len);
            switch (kind) {
            case 0: /* one bit */
            case 1: { /* 2..8 bits */
                unsigned flips = kind == 0 ? 1 : 2 + rnd_below(7), f;
                len = v->a_len;
                for (f = 0; f < flips; f++) tmp[rnd_below((unsigned)body)] ^= (uint8_t)(1u << rnd_below(8));
                if (memcmp(tmp, v->a, len) == 0) tmp[0] ^= 0x01; /* flips cancelled: keep it corrupt */
                break;
            }
            case 2: { /* 1..4 byte substitutions, each with a different value */
                unsigned subs = 1 + rnd_below(4), f;
                len = v->a_len;
                for (f = 0; f < subs; f++) {
                    size_t at = rnd_below((unsigned)body);
                    tmp[at] = (uint8_t)(tmp[at] ^ (1 + rnd_below(255)));
                }
                if (memcmp(tmp, v->a, len) == 0) tmp[0] ^= 0x01;
                break;
            }
            case 3: { /* truncation: lose the last or the first 1..body bytes, keep the delimiter */
                size_t cut = 1 + rnd_below((unsigned)body);
                if (rnd() & 1u) {
                    memmove(tmp, v->a + cut, v->a_len - cut);
                } else {
                    memcpy(tmp, v->a, body - cut);
                    tmp[body - cut] = 0;
                }
                len = v->a_len - cut;
                break;
            }
            case 4: { /* one byte lost in the middle */
                size_t at = rnd_below((unsigned)body);
                memcpy(tmp, v->a, at);
                memcpy(tmp + at, v->a + at + 1, v->a_len - at - 1);
                len = v->a_len - 1;
                break;
            }
            default: { /* one random byte inserted */
                size_t at = rnd_below((unsigned)body + 1);
                memcpy(tmp, v->a, at);
                tmp[at] = rnd_byte();
                memcpy(tmp + at + 1, v->a + at, v->a_len - at);
                len = v->a_len + 1;
                /* a 0x00 in front of a frame is a legal flush (§2), and one after it an empty frame:
                 * neither corrupts the frame for a stream receiver */
                if (tmp[at] == 0 && (at == 0 || at == body)) tmp[at] = 0x01;
                break;
            }
            }
            kinds[kind]++;
            b = exact[len];
            memcpy(b, tmp, len);
            if (lp_decode_frame(v->a, v->a_len, orig, &seq0) != LP_OK) die("fuzz: a frame vector does not decode");
            r = lp_decode_frame(b, len, msg, &seq);
            hist[r]++;
            if (r == LP_OK) {
                accepted++;
                if (same_message(orig, seq0, msg, seq)) identical++;
            }
            lp_stream_push(&stream, 0, msg, &seq); /* flush */
            for (k = 0; k < len; k++)
                if (lp_stream_push(&stream, b[k], msg, &seq) == LP_OK) {
                    stream_accepted++;
                    if (same_message(orig, seq0, msg, seq)) stream_identical++;
                }
        }
        printf("corrupt trials=%lu accepted=%lu identical=%lu stream_accepted=%lu stream_identical=%lu bits1=%lu "
               "bitsN=%lu subst=%lu trunc=%lu drop=%lu insert=%lu\n",
               n_corrupt, accepted, identical, stream_accepted, stream_identical, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4],
               kinds[5]);
        print_hist("corrupt", hist);
    }

    /* 3. Frames with a valid CRC: random valid messages (round trip) and random type/payload. */
    memset(hist, 0, sizeof hist);
    {
        unsigned long msg_roundtrip_fail = 0, raw_roundtrip_fail = 0, bad_crc_class = 0, encode_cap_fail = 0;
        for (t = 0; t < n_validcrc; t++) {
            uint8_t seq = (uint8_t)rnd(), seq2 = 0;
            size_t w;
            lp_result r;
            if (t % 2 == 0) {
                random_message(orig);
                w = lp_encode_frame(orig, seq, wire, sizeof wire);
                if (w == 0 || w > LP_MAX_WIRE) {
                    msg_roundtrip_fail++;
                    continue;
                }
                /* one byte too small must fail cleanly; exactly enough must succeed */
                if (lp_encode_frame(orig, seq, exact[w - 1], w - 1) != 0) encode_cap_fail++;
                if (lp_encode_frame(orig, seq, exact[w], w) != w || memcmp(exact[w], wire, w) != 0) encode_cap_fail++;
                r = lp_decode_frame(exact[w], w, msg, &seq2);
                hist[r]++;
                if (r != LP_OK || seq2 != seq || !same_message(orig, seq, msg, seq2)) msg_roundtrip_fail++;
            } else {
                uint8_t type, payload[LP_MAX_PAYLOAD];
                size_t n, k;
                unsigned pick = rnd_below(4);
                for (k = 0; k < sizeof payload; k++) payload[k] = rnd_byte();
                type = pick == 0 ? rnd_byte() : (uint8_t)(pick == 1 ? 1 + rnd_below(8) : 0x41 + rnd_below(8));
                if (pick == 3 && rnd_below(8) == 0) type = LP_ERROR;
                n = rnd_below(4) == 0 ? rnd_below(LP_MAX_PAYLOAD + 1) : plausible_len(type, payload);
                if (rnd_below(4) == 0) { /* near misses: n-2 .. n+2 */
                    size_t d = rnd_below(5);
                    n = n + d >= 2 ? n + d - 2 : 0;
                }
                if (n > LP_MAX_PAYLOAD) n = LP_MAX_PAYLOAD;
                if (type == LP_DISPLAY_TEXT && rnd_below(2) == 0)
                    for (k = 2; k < n; k++) payload[k] = (uint8_t)(0x20 + payload[k] % 95);
                if (type == LP_RESET && rnd_below(2) == 0) payload[0] = 0x5A, payload[1] = 0xA5;
                w = lp_encode_raw(type, seq, payload, n, wire, sizeof wire);
                if (w == 0) {
                    raw_roundtrip_fail++;
                    continue;
                }
                memcpy(exact[w], wire, w);
                r = lp_decode_frame(exact[w], w, msg, &seq2);
                hist[r]++;
                if (r == LP_ERR_COBS || r == LP_ERR_CRC || r == LP_ERR_TOO_SHORT || r == LP_ERR_TOO_LONG)
                    bad_crc_class++;
                if (r != LP_ERR_COBS && r != LP_ERR_CRC && (seq2 != seq || msg->type != type)) bad_crc_class++;
                if (r == LP_OK) {
                    size_t w2 = lp_encode_frame(msg, seq2, tmp, sizeof tmp);
                    if (w2 != w || memcmp(tmp, wire, w) != 0) raw_roundtrip_fail++;
                }
            }
        }
        printf("validcrc trials=%lu msg_roundtrip_fail=%lu raw_roundtrip_fail=%lu misclassified=%lu "
               "encode_cap_fail=%lu\n",
               n_validcrc, msg_roundtrip_fail, raw_roundtrip_fail, bad_crc_class, encode_cap_fail);
        print_hist("validcrc", hist);
    }

    for (i = 0; i <= MAX_FUZZ_LEN; i++) free(exact[i]);
    free(msg);
    free(orig);
    return 0;
}

/* ------------------------------------------------------------------------------------------- */
/* Limits and value ranges: frames built with lp_encode_raw (valid CRC), decoded both ways.
 * Prints: limit <name> <lp_decode_frame result> <lp_stream_push result> <wire length> */

static void limit_wire(const char *name, const uint8_t *wire, size_t w)
{
    uint8_t *b = malloc(w == 0 ? 1 : w);
    lp_message *m = malloc(sizeof *m);
    lp_stream s;
    lp_result rf, rs = LP_NONE;
    uint8_t seq = 0;
    if (b == NULL || m == NULL) die("malloc");
    if (w != 0) memcpy(b, wire, w);
    rf = lp_decode_frame(w == 0 ? NULL : b, w, m, &seq);
    lp_stream_init(&s);
    (void)push_all(&s, b, w, &rs, m, &seq, NULL);
    printf("limit %s %s %s %lu\n", name, lp_result_name(rf), lp_result_name(rs), (unsigned long)w);
    free(b);
    free(m);
}

static void limit_raw(const char *name, uint8_t type, const uint8_t *p, size_t n)
{
    uint8_t wire[LP_MAX_WIRE];
    size_t w = lp_encode_raw(type, 0x21, p, n, wire, sizeof wire);
    if (w == 0) {
        printf("limit %s encode-refused - 0\n", name);
        return;
    }
    limit_wire(name, wire, w);
}

/* Encodes a message; prints whether lp_encode_frame accepts it and the decode results. */
static void limit_msg(const char *name, const lp_message *m)
{
    uint8_t wire[LP_MAX_WIRE];
    size_t w = lp_encode_frame(m, 0x21, wire, sizeof wire);
    if (w == 0) {
        printf("limit %s encode-refused - 0\n", name);
        return;
    }
    limit_wire(name, wire, w);
}

static int mode_limits(void)
{
    static uint8_t p[LP_MAX_PAYLOAD + 8];
    static lp_message m;
    uint8_t wire[LP_MAX_WIRE + 8];
    size_t k;
    static const uint8_t unknown[] = {0x00, 0x09, 0x3F, 0x40, 0x49, 0x7E, 0x80, 0xFF};

    memset(p, 0x11, sizeof p);
    limit_raw("ping", LP_PING, p, 0);
    limit_raw("hello-5-bytes", LP_HELLO, p, 5);
    limit_raw("hello-7-bytes", LP_HELLO, p, 7);
    memset(p, 0, 6);
    limit_raw("hello-nonce-0", LP_HELLO, p, 6);

    memset(p, 0x11, sizeof p);
    p[0] = 32;
    limit_raw("setpoint-32", LP_FADER_SETPOINT, p, 1 + 3 * 32);
    p[0] = 33;
    limit_raw("setpoint-33", LP_FADER_SETPOINT, p, 1 + 3 * 33);
    limit_raw("setpoint-empty", LP_FADER_SETPOINT, p, 0);
    p[0] = 1;
    limit_raw("setpoint-1-short", LP_FADER_SETPOINT, p, 3);
    limit_raw("setpoint-1-long", LP_FADER_SETPOINT, p, 5);
    p[0] = 0;
    limit_raw("setpoint-0-with-entry", LP_FADER_SETPOINT, p, 4);

    for (k = 0; k < 65; k++) p[1 + 2 * k] = (uint8_t)k, p[2 + 2 * k] = (uint8_t)(k % 3);
    p[0] = 64;
    limit_raw("led-64", LP_LED_SET, p, 1 + 2 * 64);
    p[0] = 65;
    limit_raw("led-65", LP_LED_SET, p, 1 + 2 * 65);
    p[0] = 1;
    p[2] = 3;
    limit_raw("led-state-3", LP_LED_SET, p, 3);

    p[0] = 0;
    p[1] = 0;
    for (k = 0; k < LP_MAX_TEXT; k++) p[2 + k] = (uint8_t)(0x20 + k % 95);
    limit_raw("text-248", LP_DISPLAY_TEXT, p, 2 + LP_MAX_TEXT);
    limit_raw("text-empty", LP_DISPLAY_TEXT, p, 2);
    limit_raw("text-1-byte", LP_DISPLAY_TEXT, p, 1);
    p[2] = 0x7F;
    limit_raw("text-del", LP_DISPLAY_TEXT, p, 3);
    p[2] = 0x80;
    limit_raw("text-0x80", LP_DISPLAY_TEXT, p, 3);
    p[2] = 0x1F;
    limit_raw("text-0x1f", LP_DISPLAY_TEXT, p, 3);

    memset(p, 0x22, sizeof p);
    p[0] = 0;
    p[1] = 248;
    limit_raw("meter-248", LP_METER_LEVELS, p, 250);
    p[1] = 0;
    limit_raw("meter-count-0", LP_METER_LEVELS, p, 2);
    p[1] = 3;
    limit_raw("meter-count-3-with-2", LP_METER_LEVELS, p, 4);
    limit_raw("meter-1-byte", LP_METER_LEVELS, p, 1);
    p[0] = 200;
    p[1] = 100;
    limit_raw("meter-first-200-count-100", LP_METER_LEVELS, p, 102);

    limit_raw("calibrate-empty", LP_CALIBRATE, p, 0);
    limit_raw("calibrate-2-bytes", LP_CALIBRATE, p, 2);
    p[0] = 0x5A;
    p[1] = 0xA5;
    limit_raw("reset", LP_RESET, p, 2);
    limit_raw("reset-3-bytes", LP_RESET, p, 3);
    p[0] = 0xA5;
    p[1] = 0x5A;
    limit_raw("reset-big-endian-magic", LP_RESET, p, 2);

    memset(p, 0x33, sizeof p);
    p[17] = 0;  /* faders */
    p[18] = 12; /* fader_bits */
    limit_raw("hello-ack-0-faders-29-bytes", LP_HELLO_ACK, p, 29);
    limit_raw("hello-ack-0-faders-30-bytes", LP_HELLO_ACK, p, 30);
    limit_raw("hello-ack-28-bytes", LP_HELLO_ACK, p, 28);
    p[17] = 48;
    limit_raw("hello-ack-48-faders", LP_HELLO_ACK, p, 29 + 4 * 48);
    p[17] = 49;
    limit_raw("hello-ack-49-faders", LP_HELLO_ACK, p, 29 + 4 * 49);
    p[17] = 1;
    p[18] = 0;
    limit_raw("hello-ack-bits-0", LP_HELLO_ACK, p, 33);
    p[18] = 16;
    limit_raw("hello-ack-bits-16", LP_HELLO_ACK, p, 33);
    p[18] = 17;
    limit_raw("hello-ack-bits-17", LP_HELLO_ACK, p, 33);

    memset(p, 0xFF, sizeof p);
    limit_raw("pong-status-ff", LP_PONG, p, 13);
    limit_raw("pong-12-bytes", LP_PONG, p, 12);
    limit_raw("fader-position-4-bytes", LP_FADER_POSITION, p, 4);
    p[1] = 1;
    limit_raw("touch-1", LP_TOUCH, p, 4);
    limit_raw("button-1", LP_BUTTON, p, 2);
    p[1] = 2;
    limit_raw("button-2", LP_BUTTON, p, 2);
    p[1] = 0x7F;
    limit_raw("encoder-plus-127", LP_ENCODER, p, 2);
    p[1] = 0x81;
    limit_raw("encoder-minus-127", LP_ENCODER, p, 2);
    p[5] = 2;
    limit_raw("calibrate-result-ok-2", LP_CALIBRATE_RESULT, p, 6);
    p[2] = 6;
    limit_raw("ack-result-6", LP_ACK, p, 3);
    p[2] = 7;
    limit_raw("ack-result-7", LP_ACK, p, 3);
    p[0] = 0;
    limit_raw("error-code-0", LP_ERROR, p, 3);
    p[0] = 6;
    limit_raw("error-code-6", LP_ERROR, p, 3);
    p[0] = 7;
    limit_raw("error-code-7", LP_ERROR, p, 3);
    for (k = 0; k < sizeof unknown; k++) {
        char name[32];
        sprintf(name, "unknown-type-%02x", unknown[k]);
        limit_raw(name, unknown[k], p, 0);
    }
    limit_raw("payload-251", LP_METER_LEVELS, p, 251);

    /* framing limits */
    limit_wire("empty-input", wire, 0);
    wire[0] = 0;
    limit_wire("delimiter-only", wire, 1);
    memset(wire, 0x07, 255);
    wire[255] = 0;
    limit_wire("255-nonzero-bytes", wire, 256);
    {
        uint8_t big[258];
        memset(big, 0x07, 256);
        big[256] = 0;
        limit_wire("256-nonzero-bytes", big, 257);
    }

    /* the encoder refuses what the decoder would reject */
    memset(&m, 0, sizeof m);
    m.type = LP_DISPLAY_TEXT;
    m.u.display_text.length = LP_MAX_TEXT;
    memset(m.u.display_text.text, 'x', LP_MAX_TEXT);
    limit_msg("encode-text-248", &m);
    m.u.display_text.text[7] = '\n';
    limit_msg("encode-text-newline", &m);
    m.u.display_text.text[7] = 'x';
    m.u.display_text.length = LP_MAX_TEXT + 1;
    limit_msg("encode-text-249", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_FADER_SETPOINT;
    limit_msg("encode-setpoint-0", &m);
    m.u.fader_setpoint.count = 33;
    limit_msg("encode-setpoint-33", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_LED_SET;
    m.u.led_set.count = 1;
    m.u.led_set.leds[0].state = 3;
    limit_msg("encode-led-state-3", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_METER_LEVELS;
    limit_msg("encode-meter-0", &m);
    m.u.meter_levels.count = 249;
    limit_msg("encode-meter-249", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_HELLO_ACK;
    m.u.hello_ack.fader_bits = 12;
    m.u.hello_ack.faders = 48;
    limit_msg("encode-hello-ack-48", &m);
    m.u.hello_ack.faders = 49;
    limit_msg("encode-hello-ack-49", &m);
    m.u.hello_ack.faders = 1;
    m.u.hello_ack.fader_bits = 0;
    limit_msg("encode-hello-ack-bits-0", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_ENCODER;
    m.u.encoder.delta = -128;
    limit_msg("encode-encoder-minus-128", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_ACK;
    m.u.ack.result = 7;
    limit_msg("encode-ack-7", &m);
    memset(&m, 0, sizeof m);
    m.type = LP_ERROR;
    limit_msg("encode-error-0", &m);
    memset(&m, 0, sizeof m);
    m.type = 0x30;
    limit_msg("encode-unknown-type", &m);

    printf("codes unknown-type=%d bad-length=%d bad-value=%d crc=%d\n", (int)lp_result_code(LP_ERR_UNKNOWN_TYPE),
           (int)lp_result_code(LP_ERR_BAD_LENGTH), (int)lp_result_code(LP_ERR_BAD_VALUE),
           (int)lp_result_code(LP_ERR_CRC));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) die("usage: lp_harness vectors|bitflip|limits|fuzz <seed> <random> <corrupt> <validcrc>");
    read_vectors();
    if (strcmp(argv[1], "vectors") == 0) return mode_vectors();
    if (strcmp(argv[1], "bitflip") == 0) return mode_bitflip();
    if (strcmp(argv[1], "limits") == 0) return mode_limits();
    if (strcmp(argv[1], "fuzz") == 0 && argc == 6)
        return mode_fuzz(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0),
                         strtoul(argv[5], NULL, 0));
    die("bad arguments");
    return 2;
}
