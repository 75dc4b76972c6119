;; The limiter's side-chain true-peak detector (engine/dsp/true-peak-detector.ts explains the
;; design; this is its arithmetic, in f32x4).
;;
;; detect(x, m, frames, hf, out, first): one channel, `frames` new input frames.
;;   x     f32 line: 127 history samples, then the block; x[n] lives at x + 4 * (127 + n).
;;   m     f32 line of 2x midpoints: 7 history values, then the block's; mid[n] (between x[n - 64]
;;         and x[n - 63]) lives at m + 4 * (7 + n).
;;   hf    f32 scratch, one value per frame: the weighted near-Nyquist amplitude.
;;   out   f32 per frame: the peak of the interval ending at x[n - 66]; written when `first` is 1,
;;         maxed into otherwise (the channels are linked).
;; Lines and scratch must have 16 floats of room past the block: the vector passes run over
;; whole groups, and the extra lanes' values are never used.
;;
;; Fixed addresses (written by the owner once):
;;   0    half-band taps h[0 .. 63]: mid[n] = sum h[j] * (x[n - 127 + j] + x[n - j])
;;   256  near-Nyquist taps g[0 .. 40], signs alternating, times the weight (NYQUIST_WEIGHT)
;;   448  quarter-point taps, tap-major [tap][phase], phases 1/4, 2/4, 3/4, with one zero row
;;        before tap 0 and two after tap 11 (rows -1 .. 13), so the 2x-stream pass needs no
;;        edge cases
;;   640  scratch: the ten grid points P[-2 .. 7] of four intervals (vectors); P[-2] and P[-1]
;;        are the previous interval's last two (its 3/4 point b3 and x[n - 67])
;;
;; Passes: (A) midpoints and (B) the near-Nyquist band, 16 frames per iteration in four
;; independent accumulators (one chain would wait on each add); (C) four intervals per iteration:
;; the six quarter points from the 2x stream (samples and midpoints alternate, v[2i] = mid[n - 6 + i],
;; v[2i + 1] = x[n - 69 + i]; the previous frame's b3 from the same values one frame earlier),
;; then the grid's peak and, at every local maximum of |P|, the vertex
;; of the parabola through it and its neighbours.
(module
  (import "env" "memory" (memory 1))

  (func $midpoints (param $x i32) (param $m i32) (param $frames i32)
    (local $n i32) (local $j i32) (local $lo i32) (local $hi i32) (local $h i32) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $frames)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        ;; lo walks x[n - 127 + j] up, hi walks x[n - j] down.
        (local.set $lo (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $hi (i32.add (local.get $lo) (i32.const 508)))
        (local.set $h (i32.const 0))
        (local.set $j (i32.const 0))
        (loop $taps
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
          (local.set $lo (i32.add (local.get $lo) (i32.const 4)))
          (local.set $hi (i32.sub (local.get $hi) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $taps (i32.lt_u (local.get $j) (i32.const 64))))
        (local.set $lo (i32.add (local.get $m) (i32.shl (i32.add (local.get $n) (i32.const 7)) (i32.const 2))))
        (v128.store align=4 (local.get $lo) (local.get $a0))
        (v128.store offset=16 align=4 (local.get $lo) (local.get $a1))
        (v128.store offset=32 align=4 (local.get $lo) (local.get $a2))
        (v128.store offset=48 align=4 (local.get $lo) (local.get $a3))
        (local.set $n (i32.add (local.get $n) (i32.const 16)))
        (br $groups))))

  (func $nyquistBand (param $x i32) (param $hf i32) (param $frames i32)
    (local $n i32) (local $j i32) (local $up i32) (local $down i32) (local $g i32) (local $w v128)
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
        (local.set $j (i32.const 1))
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
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $taps (i32.le_u (local.get $j) (i32.const 40))))
        (local.set $up (i32.add (local.get $hf) (i32.shl (local.get $n) (i32.const 2))))
        (v128.store align=4 (local.get $up) (f32x4.abs (local.get $a0)))
        (v128.store offset=16 align=4 (local.get $up) (f32x4.abs (local.get $a1)))
        (v128.store offset=32 align=4 (local.get $up) (f32x4.abs (local.get $a2)))
        (v128.store offset=48 align=4 (local.get $up) (f32x4.abs (local.get $a3)))
        (local.set $n (i32.add (local.get $n) (i32.const 16)))
        (br $groups))))

  ;; The crest of |P| at s1 between s0 and s2, lanes where s1 is a local maximum of |P| and the
  ;; parabola is not flat; 0 elsewhere (the division's inf/NaN is masked away).
  (func $crest (param $s0 v128) (param $s1 v128) (param $s2 v128) (result v128)
    (local $a1 v128) (local $curvature v128) (local $slope v128) (local $mask v128)
    (local.set $a1 (f32x4.abs (local.get $s1)))
    (local.set $curvature (f32x4.sub (f32x4.sub (f32x4.add (local.get $s1) (local.get $s1))
      (local.get $s0)) (local.get $s2)))
    (local.set $slope (f32x4.sub (local.get $s2) (local.get $s0)))
    (local.set $mask (v128.and
      (v128.and (f32x4.ge (local.get $a1) (f32x4.abs (local.get $s0)))
        (f32x4.ge (local.get $a1) (f32x4.abs (local.get $s2))))
      (f32x4.ne (local.get $curvature) (v128.const f32x4 0 0 0 0))))
    (v128.and (local.get $mask)
      (f32x4.add (local.get $a1)
        (f32x4.div (f32x4.mul (local.get $slope) (local.get $slope))
          (f32x4.mul (v128.const f32x4 8 8 8 8) (f32x4.abs (local.get $curvature)))))))

  (func $intervals (param $x i32) (param $m i32) (param $frames i32) (param $hf i32) (param $out i32)
    (param $first i32)
    (local $n i32) (local $i i32) (local $q i32) (local $pm i32) (local $px i32) (local $g i32)
    (local $vm v128) (local $vx v128) (local $previous v128)
    (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $peak v128) (local $at i32)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $frames)))
        ;; pm at mid[n - 7 + i] (m + 4 * (n + i)), px at x[n - 70 + i] (x + 4 * (n + 57 + i)): the
        ;; previous frame's v[2i], v[2i + 1]; this frame's are one float further.
        (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $px (i32.add (local.get $x) (i32.shl (i32.add (local.get $n) (i32.const 57)) (i32.const 2))))
        (local.set $previous (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $b1 (v128.const i32x4 0 0 0 0))
        (local.set $b2 (v128.const i32x4 0 0 0 0))
        (local.set $b3 (v128.const i32x4 0 0 0 0))
        ;; q points at row 2i - 1 (row -1 is the zero row at 448).
        (local.set $q (i32.const 448))
        (local.set $i (i32.const 0))
        (loop $pairs
          (local.set $vm (v128.load offset=4 align=4 (local.get $pm)))
          (local.set $vx (v128.load offset=4 align=4 (local.get $px)))
          (local.set $previous (f32x4.add (local.get $previous) (f32x4.add
            (f32x4.mul (v128.load32_splat offset=8 (local.get $q)) (v128.load align=4 (local.get $pm)))
            (f32x4.mul (v128.load32_splat offset=20 (local.get $q)) (v128.load align=4 (local.get $px))))))
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
          (local.set $pm (i32.add (local.get $pm) (i32.const 4)))
          (local.set $px (i32.add (local.get $px) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $i) (i32.const 7))))
        ;; P[-2] = the previous interval's b3, P[-1] = x[n - 67] (its last point), then
        ;; a1 a2 a3 mid[n - 3] b1 b2 b3 x[n - 66].
        (v128.store (i32.const 640) (local.get $previous))
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
        ;; For g = 0 .. 7: |P[g]|, and the crest at P[g - 1].
        (local.set $peak (v128.const i32x4 0 0 0 0))
        (local.set $s0 (v128.load (i32.const 640)))
        (local.set $s1 (v128.load (i32.const 656)))
        (local.set $g (i32.const 672))
        (loop $points
          (local.set $s2 (v128.load (local.get $g)))
          (local.set $peak (f32x4.max (local.get $peak)
            (f32x4.max (f32x4.abs (local.get $s2))
              (call $crest (local.get $s0) (local.get $s1) (local.get $s2)))))
          (local.set $s0 (local.get $s1))
          (local.set $s1 (local.get $s2))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $points (i32.lt_u (local.get $g) (i32.const 800))))
        (local.set $at (i32.shl (local.get $n) (i32.const 2)))
        (local.set $peak (f32x4.add (local.get $peak)
          (v128.load align=4 (i32.add (local.get $hf) (local.get $at)))))
        (local.set $at (i32.add (local.get $out) (local.get $at)))
        (if (i32.eqz (local.get $first))
          (then (local.set $peak (f32x4.max (local.get $peak) (v128.load align=4 (local.get $at))))))
        (v128.store align=4 (local.get $at) (local.get $peak))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $groups))))

  (func (export "detect")
    (param $x i32) (param $m i32) (param $frames i32) (param $hf i32) (param $out i32) (param $first i32)
    (call $midpoints (local.get $x) (local.get $m) (local.get $frames))
    (call $nyquistBand (local.get $x) (local.get $hf) (local.get $frames))
    (call $intervals (local.get $x) (local.get $m) (local.get $frames) (local.get $hf) (local.get $out)
      (local.get $first))
    ;; Keep the newest 127 inputs and 7 midpoints as the next block's history.
    (memory.copy (local.get $x)
      (i32.add (local.get $x) (i32.shl (local.get $frames) (i32.const 2))) (i32.const 508))
    (memory.copy (local.get $m)
      (i32.add (local.get $m) (i32.shl (local.get $frames) (i32.const 2))) (i32.const 28))))
