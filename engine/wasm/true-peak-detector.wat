;; The limiter's side-chain true-peak detector (engine/dsp/true-peak-detector.ts explains the
;; design; this is its arithmetic, in f32x4).
;;
;; detect(lines, stride, channels, frames, history, keep, hf, out): `frames` (<= 512) new input
;; frames of every channel, already written into the input lines.
;;   lines    channel c's block starts at lines + c * stride (16-aligned):
;;              input line, f32: `history` (>= 127) samples, then the chunk; x[n] (n-th new
;;                frame) at block + 4 * (history + n). Non-finite inputs are replaced by 0 in
;;                place, so the owner may read the line back as the sanitised input.
;;              carry, at block + 4 * (history + 528): v128 whose lane 3 is the previous
;;                frame's 3/4 point b3 (see intervals).
;;              midpoint line, f32, 16 bytes after the carry: 7 history values, then the
;;                chunk's; mid[n] (between x[n - 64] and x[n - 63]) at + 4 * (7 + n).
;;   keep     after the chunk, the newest `keep` (127 <= keep <= history) input samples move to
;;            the end of the history (the newest 7 midpoints always).
;;   hf       f32 scratch, one value per frame: the weighted near-Nyquist amplitude.
;;   out      f32 per frame: the peak of the interval ending at x[n - 66], linked over the
;;            channels (max).
;; Lines and scratch have 16 floats of room past the chunk: the vector passes run over whole
;; groups, and the extra lanes' values are never used.
;;
;; Fixed addresses (written by the owner once):
;;   0    half-band taps h[0 .. 63]: mid[n] = sum h[j] * (x[n - 127 + j] + x[n - j])
;;   256  near-Nyquist taps g[0 .. 40], signs alternating, times the weight (NYQUIST_WEIGHT)
;;   448  quarter-point taps, tap-major [tap][phase], phases 1/4, 2/4, 3/4, with one zero row
;;        before tap 0 and two after tap 11 (rows -1 .. 13)
;;   640  scratch: the ten grid points P[-2 .. 7] of four intervals (vectors)
;;
;; Passes per channel: (A) midpoints and (B) the near-Nyquist band, 16 frames per iteration in
;; four independent accumulators (one chain would wait on each add); (C) four intervals per
;; iteration: the six quarter points from the 2x stream (samples and midpoints alternate,
;; v[2i] = mid[n - 6 + i], v[2i + 1] = x[n - 69 + i]), then the grid's peak and, at every local
;; maximum of |P|, the vertex of the parabola through it and its neighbours.
;;
;; Every value is computed with the f32 operations, in the order, of this kernel's previous
;; version (one channel per call, 1.8x slower; tests/engine/dsp/true-peak-detector.test.ts checks
;; the peaks bit for bit against a scalar transcription of it), except: sums start from their
;; first term instead of 0 + it, products with a zero tap are left out, and f32x4.max became
;; pmax (one instruction instead of a NaN-safe sequence). None of these changes a peak while the
;; arithmetic stays finite: x + (+-0) is x for x != 0, the sign of a zero grid point reaches no
;; result, and the maxima compare values >= 0. The previous interval's last quarter point P[-2]
;; is this interval's b3 one frame earlier (same terms, same order), so it is taken from there
;; instead of computed again.
(module
  (import "env" "memory" (memory 1))

  ;; Non-finite samples in [at, at + 4 * frames) (whole vectors) become 0.
  (func $sanitise (param $at i32) (param $frames i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $frames) (i32.const 2))))
    (block $done
      (loop $vectors
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $at)))
        ;; x - x is 0 for finite x, NaN otherwise.
        (v128.store align=4 (local.get $at) (v128.and (local.get $v)
          (f32x4.eq (f32x4.sub (local.get $v) (local.get $v)) (v128.const f32x4 0 0 0 0))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vectors))))

  (func $midpoints (param $x i32) (param $m i32) (param $frames i32)
    (local $n i32) (local $lo i32) (local $hi i32) (local $h i32) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $frames)))
        ;; lo walks x[n - 127 + j] up, hi walks x[n - j] down; tap 0 starts the sums.
        (local.set $lo (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $hi (i32.add (local.get $lo) (i32.const 508)))
        (local.set $w (v128.load32_splat (i32.const 0)))
        (local.set $a0 (f32x4.mul (local.get $w)
          (f32x4.add (v128.load align=4 (local.get $lo)) (v128.load align=4 (local.get $hi)))))
        (local.set $a1 (f32x4.mul (local.get $w)
          (f32x4.add (v128.load offset=16 align=4 (local.get $lo))
            (v128.load offset=16 align=4 (local.get $hi)))))
        (local.set $a2 (f32x4.mul (local.get $w)
          (f32x4.add (v128.load offset=32 align=4 (local.get $lo))
            (v128.load offset=32 align=4 (local.get $hi)))))
        (local.set $a3 (f32x4.mul (local.get $w)
          (f32x4.add (v128.load offset=48 align=4 (local.get $lo))
            (v128.load offset=48 align=4 (local.get $hi)))))
        (local.set $h (i32.const 4))
        (loop $taps
          (local.set $lo (i32.add (local.get $lo) (i32.const 4)))
          (local.set $hi (i32.sub (local.get $hi) (i32.const 4)))
          (local.set $w (v128.load32_splat (local.get $h)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load align=4 (local.get $lo)) (v128.load align=4 (local.get $hi))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=16 align=4 (local.get $lo))
              (v128.load offset=16 align=4 (local.get $hi))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=32 align=4 (local.get $lo))
              (v128.load offset=32 align=4 (local.get $hi))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=48 align=4 (local.get $lo))
              (v128.load offset=48 align=4 (local.get $hi))))))
          (local.set $h (i32.add (local.get $h) (i32.const 4)))
          (br_if $taps (i32.lt_u (local.get $h) (i32.const 256))))
        (local.set $lo (i32.add (local.get $m) (i32.shl (i32.add (local.get $n) (i32.const 7)) (i32.const 2))))
        (v128.store align=4 (local.get $lo) (local.get $a0))
        (v128.store offset=16 align=4 (local.get $lo) (local.get $a1))
        (v128.store offset=32 align=4 (local.get $lo) (local.get $a2))
        (v128.store offset=48 align=4 (local.get $lo) (local.get $a3))
        (local.set $n (i32.add (local.get $n) (i32.const 16)))
        (br $groups))))

  (func $nyquistBand (param $x i32) (param $hf i32) (param $frames i32)
    (local $n i32) (local $up i32) (local $down i32) (local $g i32) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $frames)))
        ;; Centre x[n - 66], at line index n + 61.
        (local.set $up (i32.add (local.get $x) (i32.shl (i32.add (local.get $n) (i32.const 61)) (i32.const 2))))
        (local.set $w (v128.load32_splat (i32.const 256)))
        (local.set $a0 (f32x4.mul (local.get $w) (v128.load align=4 (local.get $up))))
        (local.set $a1 (f32x4.mul (local.get $w) (v128.load offset=16 align=4 (local.get $up))))
        (local.set $a2 (f32x4.mul (local.get $w) (v128.load offset=32 align=4 (local.get $up))))
        (local.set $a3 (f32x4.mul (local.get $w) (v128.load offset=48 align=4 (local.get $up))))
        (local.set $down (local.get $up))
        (local.set $g (i32.const 260))
        (loop $taps
          (local.set $up (i32.add (local.get $up) (i32.const 4)))
          (local.set $down (i32.sub (local.get $down) (i32.const 4)))
          (local.set $w (v128.load32_splat (local.get $g)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load align=4 (local.get $up)) (v128.load align=4 (local.get $down))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=16 align=4 (local.get $up))
              (v128.load offset=16 align=4 (local.get $down))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=32 align=4 (local.get $up))
              (v128.load offset=32 align=4 (local.get $down))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w)
            (f32x4.add (v128.load offset=48 align=4 (local.get $up))
              (v128.load offset=48 align=4 (local.get $down))))))
          (local.set $g (i32.add (local.get $g) (i32.const 4)))
          (br_if $taps (i32.le_u (local.get $g) (i32.const 416))))
        (local.set $up (i32.add (local.get $hf) (i32.shl (local.get $n) (i32.const 2))))
        (v128.store align=4 (local.get $up) (f32x4.abs (local.get $a0)))
        (v128.store offset=16 align=4 (local.get $up) (f32x4.abs (local.get $a1)))
        (v128.store offset=32 align=4 (local.get $up) (f32x4.abs (local.get $a2)))
        (v128.store offset=48 align=4 (local.get $up) (f32x4.abs (local.get $a3)))
        (local.set $n (i32.add (local.get $n) (i32.const 16)))
        (br $groups))))

  (func $intervals (param $x i32) (param $m i32) (param $frames i32) (param $hf i32) (param $out i32)
    (param $first i32) (param $carry i32)
    (local $n i32) (local $q i32) (local $pm i32) (local $px i32) (local $g i32)
    (local $vm v128) (local $vx v128) (local $previous v128)
    (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $m0 v128) (local $m1 v128) (local $m2 v128)
    (local $curvature v128) (local $slope v128) (local $peak v128) (local $at i32)
    ;; Lane 3: b3 of the frame before this chunk.
    (local.set $previous (v128.load (local.get $carry)))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $frames)))
        ;; pm + 4 at mid[n - 6 + i] (m + 4 * (n + 1 + i)), px + 4 at x[n - 69 + i]
        ;; (x + 4 * (n + 58 + i)), i = 0 for now.
        (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $px (i32.add (local.get $x) (i32.shl (i32.add (local.get $n) (i32.const 57)) (i32.const 2))))
        ;; Pair 0: a += q[0] v[0] + q[1] v[1]; b += q[-1] v[0] + q[0] v[1], q[-1] = 0.
        (local.set $vm (v128.load offset=4 align=4 (local.get $pm)))
        (local.set $vx (v128.load offset=4 align=4 (local.get $px)))
        (local.set $a1 (f32x4.add
          (f32x4.mul (v128.load32_splat offset=460 (i32.const 0)) (local.get $vm))
          (f32x4.mul (v128.load32_splat offset=472 (i32.const 0)) (local.get $vx))))
        (local.set $a2 (f32x4.add
          (f32x4.mul (v128.load32_splat offset=464 (i32.const 0)) (local.get $vm))
          (f32x4.mul (v128.load32_splat offset=476 (i32.const 0)) (local.get $vx))))
        (local.set $a3 (f32x4.add
          (f32x4.mul (v128.load32_splat offset=468 (i32.const 0)) (local.get $vm))
          (f32x4.mul (v128.load32_splat offset=480 (i32.const 0)) (local.get $vx))))
        (local.set $b1 (f32x4.mul (v128.load32_splat offset=460 (i32.const 0)) (local.get $vx)))
        (local.set $b2 (f32x4.mul (v128.load32_splat offset=464 (i32.const 0)) (local.get $vx)))
        (local.set $b3 (f32x4.mul (v128.load32_splat offset=468 (i32.const 0)) (local.get $vx)))
        ;; Pairs 1 .. 5; q points at row 2i - 1.
        (local.set $q (i32.const 472))
        (loop $pairs
          (local.set $pm (i32.add (local.get $pm) (i32.const 4)))
          (local.set $px (i32.add (local.get $px) (i32.const 4)))
          (local.set $vm (v128.load offset=4 align=4 (local.get $pm)))
          (local.set $vx (v128.load offset=4 align=4 (local.get $px)))
          ;; a += q[2i] v[2i] + q[2i + 1] v[2i + 1]; b += q[2i - 1] v[2i] + q[2i] v[2i + 1].
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=12 (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=24 (local.get $q)) (local.get $vx)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=16 (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=28 (local.get $q)) (local.get $vx)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=20 (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=32 (local.get $q)) (local.get $vx)))))
          (local.set $b1 (f32x4.add (local.get $b1) (f32x4.add
            (f32x4.mul (v128.load32_splat (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=12 (local.get $q)) (local.get $vx)))))
          (local.set $b2 (f32x4.add (local.get $b2) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=4 (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=16 (local.get $q)) (local.get $vx)))))
          (local.set $b3 (f32x4.add (local.get $b3) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=8 (local.get $q)) (local.get $vm))
            (f32x4.mul (v128.load32_splat offset=20 (local.get $q)) (local.get $vx)))))
          (local.set $q (i32.add (local.get $q) (i32.const 24)))
          (br_if $pairs (i32.lt_u (local.get $q) (i32.const 592))))
        ;; Pair 6: a's taps 12 and 13 are zero; b += q[11] v[12] (+ q[12] v[13] = 0).
        (local.set $vm (v128.load offset=8 align=4 (local.get $pm)))
        (local.set $b1 (f32x4.add (local.get $b1)
          (f32x4.mul (v128.load32_splat offset=592 (i32.const 0)) (local.get $vm))))
        (local.set $b2 (f32x4.add (local.get $b2)
          (f32x4.mul (v128.load32_splat offset=596 (i32.const 0)) (local.get $vm))))
        (local.set $b3 (f32x4.add (local.get $b3)
          (f32x4.mul (v128.load32_splat offset=600 (i32.const 0)) (local.get $vm))))
        ;; P[-2] = the previous interval's b3 (lanes shifted by one frame), P[-1] = x[n - 67]
        ;; (its last point), then a1 a2 a3 mid[n - 3] b1 b2 b3 x[n - 66].
        (v128.store (i32.const 640) (i8x16.shuffle 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27
          (local.get $previous) (local.get $b3)))
        (local.set $previous (local.get $b3))
        (v128.store (i32.const 656) (v128.load align=4
          (i32.add (local.get $x) (i32.shl (i32.add (local.get $n) (i32.const 60)) (i32.const 2)))))
        (v128.store (i32.const 672) (local.get $a1))
        (v128.store (i32.const 688) (local.get $a2))
        (v128.store (i32.const 704) (local.get $a3))
        (v128.store (i32.const 720) (v128.load align=4
          (i32.add (local.get $m) (i32.shl (i32.add (local.get $n) (i32.const 4)) (i32.const 2)))))
        (v128.store (i32.const 736) (local.get $b1))
        (v128.store (i32.const 752) (local.get $b2))
        (v128.store (i32.const 768) (local.get $b3))
        (v128.store (i32.const 784) (v128.load align=4
          (i32.add (local.get $x) (i32.shl (i32.add (local.get $n) (i32.const 61)) (i32.const 2)))))
        ;; For g = 0 .. 7: |P[g]|, and the crest at P[g - 1]: where |P[g - 1]| is a local maximum
        ;; and the parabola is not flat, |s1| + slope^2 / (8 |curvature|) (the division's inf/NaN
        ;; in other lanes is masked away). m0, m1, m2 are |s0|, |s1|, |s2|.
        (local.set $s0 (v128.load (i32.const 640)))
        (local.set $s1 (v128.load (i32.const 656)))
        (local.set $m0 (f32x4.abs (local.get $s0)))
        (local.set $m1 (f32x4.abs (local.get $s1)))
        (local.set $peak (v128.const i32x4 0 0 0 0))
        (local.set $g (i32.const 672))
        (loop $points
          (local.set $s2 (v128.load (local.get $g)))
          (local.set $m2 (f32x4.abs (local.get $s2)))
          (local.set $curvature (f32x4.sub (f32x4.sub (f32x4.add (local.get $s1) (local.get $s1))
            (local.get $s0)) (local.get $s2)))
          (local.set $slope (f32x4.sub (local.get $s2) (local.get $s0)))
          (local.set $peak (f32x4.pmax (local.get $peak) (f32x4.pmax (local.get $m2)
            (v128.and
              (v128.and
                (v128.and (f32x4.ge (local.get $m1) (local.get $m0)) (f32x4.ge (local.get $m1) (local.get $m2)))
                (f32x4.ne (local.get $curvature) (v128.const f32x4 0 0 0 0)))
              (f32x4.add (local.get $m1)
                (f32x4.div (f32x4.mul (local.get $slope) (local.get $slope))
                  (f32x4.mul (v128.const f32x4 8 8 8 8) (f32x4.abs (local.get $curvature)))))))))
          (local.set $s0 (local.get $s1))
          (local.set $s1 (local.get $s2))
          (local.set $m0 (local.get $m1))
          (local.set $m1 (local.get $m2))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $points (i32.lt_u (local.get $g) (i32.const 800))))
        (local.set $at (i32.shl (local.get $n) (i32.const 2)))
        (local.set $peak (f32x4.add (local.get $peak)
          (v128.load align=4 (i32.add (local.get $hf) (local.get $at)))))
        (local.set $at (i32.add (local.get $out) (local.get $at)))
        (if (i32.eqz (local.get $first))
          (then (local.set $peak (f32x4.pmax (local.get $peak) (v128.load align=4 (local.get $at))))))
        (v128.store align=4 (local.get $at) (local.get $peak))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $groups)))
    ;; Lane 3 of the carry: b3 of the chunk's last frame (lane (frames - 1) & 3 of the last group).
    (v128.store (local.get $carry) (local.get $previous))
    (f32.store offset=12 (local.get $carry) (f32.load (i32.add (local.get $carry)
      (i32.shl (i32.and (i32.sub (local.get $frames) (i32.const 1)) (i32.const 3)) (i32.const 2))))))

  (func (export "detect")
    (param $lines i32) (param $stride i32) (param $channels i32) (param $frames i32)
    (param $history i32) (param $keep i32) (param $hf i32) (param $out i32)
    (local $c i32) (local $line i32) (local $x i32) (local $carry i32) (local $m i32)
    (block $done
      (loop $channel
        (br_if $done (i32.ge_u (local.get $c) (local.get $channels)))
        (local.set $line (i32.add (local.get $lines) (i32.mul (local.get $c) (local.get $stride))))
        ;; The filters' view of the line: x[-127] at x.
        (local.set $x (i32.add (local.get $line) (i32.shl (i32.sub (local.get $history) (i32.const 127)) (i32.const 2))))
        (local.set $carry (i32.add (local.get $line) (i32.shl (i32.add (local.get $history) (i32.const 528)) (i32.const 2))))
        (local.set $m (i32.add (local.get $carry) (i32.const 16)))
        (call $sanitise (i32.add (local.get $x) (i32.const 508)) (local.get $frames))
        (call $midpoints (local.get $x) (local.get $m) (local.get $frames))
        (call $nyquistBand (local.get $x) (local.get $hf) (local.get $frames))
        (call $intervals (local.get $x) (local.get $m) (local.get $frames) (local.get $hf) (local.get $out)
          (i32.eqz (local.get $c)) (local.get $carry))
        ;; The newest `keep` inputs and 7 midpoints become the next chunk's history.
        (memory.copy
          (i32.add (local.get $line) (i32.shl (i32.sub (local.get $history) (local.get $keep)) (i32.const 2)))
          (i32.add (local.get $line)
            (i32.shl (i32.add (i32.sub (local.get $history) (local.get $keep)) (local.get $frames)) (i32.const 2)))
          (i32.shl (local.get $keep) (i32.const 2)))
        (memory.copy (local.get $m)
          (i32.add (local.get $m) (i32.shl (local.get $frames) (i32.const 2))) (i32.const 28))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $channel)))))
