;; Polyphase interpolation peaks (BS.1770 true peak): per frame, the largest |y| of the points
;; interpolated after it.
;;
;; $framePeaks(line, frames, coefs, phases, taps, out), internal
;;   line   address of a channel's f32 history + block: taps - 1 older samples, then `frames` new
;;          ones. The window of new sample k is line[k .. k + taps - 1], oldest first.
;;   coefs  phases x taps f32 weights, phase-major, applied to the window oldest first.
;;   out    f32 per frame: max over phases of |y| for the window of new sample k.
;;   Afterwards the newest taps - 1 samples are moved to the front of `line` for the next block.
;; peak(line, frames, coefs, phases, taps, scratch, max), exported
;;   $framePeaks into `scratch` (the caller may read them there), then f32 at `max` =
;;   max(itself, every frame's peak).
;; phases >= 1 and taps >= 1; non-finite input must be removed by the caller.
;;
;; Sixteen consecutive outputs per pass in four f32x4 accumulators: one vector chain per output
;; group would be bound by the add latency, four independent ones by throughput. The remaining
;; frames & 15 outputs are computed one at a time with the same summation order, so every point
;; gets the same value whichever path computed it.
(module
  (import "env" "memory" (memory 1))

  (func $framePeaks
    (param $line i32) (param $frames i32) (param $coefs i32) (param $phases i32) (param $taps i32)
    (param $out i32)
    (local $k i32) (local $p i32) (local $j i32) (local $c i32) (local $x i32) (local $groupEnd i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $w v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $s f32) (local $m f32)
    (local.set $groupEnd (i32.and (local.get $frames) (i32.const -16)))
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.ge_u (local.get $k) (local.get $groupEnd)))
        (local.set $c (local.get $coefs))
        (local.set $m0 (v128.const i32x4 0 0 0 0))
        (local.set $m1 (v128.const i32x4 0 0 0 0))
        (local.set $m2 (v128.const i32x4 0 0 0 0))
        (local.set $m3 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.const 0))
        (loop $phase
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $x (i32.add (local.get $line) (i32.shl (local.get $k) (i32.const 2))))
          (local.set $j (i32.const 0))
          (loop $tap
            (local.set $w (v128.load32_splat (local.get $c)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (local.get $w) (v128.load align=4 (local.get $x)))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (local.get $w) (v128.load offset=16 align=4 (local.get $x)))))
            (local.set $a2 (f32x4.add (local.get $a2)
              (f32x4.mul (local.get $w) (v128.load offset=32 align=4 (local.get $x)))))
            (local.set $a3 (f32x4.add (local.get $a3)
              (f32x4.mul (local.get $w) (v128.load offset=48 align=4 (local.get $x)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $tap (i32.lt_u (local.get $j) (local.get $taps))))
          (local.set $m0 (f32x4.max (local.get $m0) (f32x4.abs (local.get $a0))))
          (local.set $m1 (f32x4.max (local.get $m1) (f32x4.abs (local.get $a1))))
          (local.set $m2 (f32x4.max (local.get $m2) (f32x4.abs (local.get $a2))))
          (local.set $m3 (f32x4.max (local.get $m3) (f32x4.abs (local.get $a3))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $phase (i32.lt_u (local.get $p) (local.get $phases))))
        (local.set $x (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2))))
        (v128.store align=4 (local.get $x) (local.get $m0))
        (v128.store offset=16 align=4 (local.get $x) (local.get $m1))
        (v128.store offset=32 align=4 (local.get $x) (local.get $m2))
        (v128.store offset=48 align=4 (local.get $x) (local.get $m3))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $groups)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $k) (local.get $frames)))
        (local.set $c (local.get $coefs))
        (local.set $m (f32.const 0))
        (local.set $p (i32.const 0))
        (loop $phase
          (local.set $s (f32.const 0))
          (local.set $x (i32.add (local.get $line) (i32.shl (local.get $k) (i32.const 2))))
          (local.set $j (i32.const 0))
          (loop $tap
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (local.get $c)) (f32.load (local.get $x)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $tap (i32.lt_u (local.get $j) (local.get $taps))))
          (local.set $m (f32.max (local.get $m) (f32.abs (local.get $s))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $phase (i32.lt_u (local.get $p) (local.get $phases))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2))) (local.get $m))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $tail)))
    (memory.copy
      (local.get $line)
      (i32.add (local.get $line) (i32.shl (local.get $frames) (i32.const 2)))
      (i32.shl (i32.sub (local.get $taps) (i32.const 1)) (i32.const 2))))

  (func (export "peak")
    (param $line i32) (param $frames i32) (param $coefs i32) (param $phases i32) (param $taps i32)
    (param $scratch i32) (param $max i32)
    (local $k i32) (local $at i32) (local $vmax v128) (local $m f32)
    (call $framePeaks (local.get $line) (local.get $frames) (local.get $coefs) (local.get $phases)
      (local.get $taps) (local.get $scratch))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $frames)))
        (local.set $vmax (f32x4.max (local.get $vmax) (v128.load align=4
          (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $vectors)))
    (local.set $m (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
      (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $k) (local.get $frames)))
        (local.set $m (f32.max (local.get $m)
          (f32.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $tail)))
    (f32.store (local.get $max) (f32.max (f32.load (local.get $max)) (local.get $m)))))
