;; Stereo biquad cascade with Float32 samples between sections: BiquadCascade.process
;; (engine/dsp/biquad-filter.ts, runBiquad32) on left and right at once, left in f64x2 lane 0 and
;; right in lane 1. Each section reads the f32 samples, filters in double precision with the
;; scalar code's arithmetic in the same order (no FMA in fixed-width SIMD):
;;   y = b0*x + s1;  s1 = (b1*x - a1*y) + s2;  s2 = b2*x - a2*y
;; and stores y rounded to f32 (round to nearest even, as a Float32Array store does), so the
;; output is bit-identical to running BiquadCascade.process on each channel. (biquad-stereo.wat
;; keeps the signal in doubles between sections instead; this one keeps the JS results.)
;;
;; run(limits, modes, coefs, state, sections, left, right, frames)
;;   limits       two f64: [flush threshold of a running section, settle threshold of a draining one]
;;   modes        i32 per slot: 0 off (skipped), 1 on, 2 draining
;;   coefs        five f64 per slot: b0 b1 b2 a1 a2 (a0 = 1)
;;   state        per slot two v128: s1 (L, R), s2 (L, R); 16-byte aligned
;;   left, right  `frames` f32 samples each, filtered in place
;; After each running slot its state below the slot's threshold is set to 0, lane by lane.
(module
  (import "env" "memory" (memory 1))

  (func (export "run")
    (param $limits i32) (param $modes i32) (param $coefs i32) (param $state i32) (param $sections i32)
    (param $left i32) (param $right i32) (param $frames i32)
    (local $slot i32) (local $mode i32) (local $c i32) (local $st i32) (local $i i32) (local $at i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $a1 v128) (local $a2 v128)
    (local $s1 v128) (local $s2 v128) (local $x v128) (local $y v128) (local $limit v128)
    (if (i32.le_s (local.get $frames) (i32.const 0)) (then (return)))
    (local.set $slot (i32.const 0))
    (block $slotsDone
      (loop $slots
        (br_if $slotsDone (i32.ge_s (local.get $slot) (local.get $sections)))
        (local.set $mode (i32.load (i32.add (local.get $modes) (i32.shl (local.get $slot) (i32.const 2)))))
        (if (i32.ne (local.get $mode) (i32.const 0))
          (then
            (local.set $c (i32.add (local.get $coefs) (i32.mul (local.get $slot) (i32.const 40))))
            (local.set $st (i32.add (local.get $state) (i32.shl (local.get $slot) (i32.const 5))))
            (local.set $b0 (f64x2.splat (f64.load offset=0 (local.get $c))))
            (local.set $b1 (f64x2.splat (f64.load offset=8 (local.get $c))))
            (local.set $b2 (f64x2.splat (f64.load offset=16 (local.get $c))))
            (local.set $a1 (f64x2.splat (f64.load offset=24 (local.get $c))))
            (local.set $a2 (f64x2.splat (f64.load offset=32 (local.get $c))))
            (local.set $s1 (v128.load offset=0 (local.get $st)))
            (local.set $s2 (v128.load offset=16 (local.get $st)))
            (local.set $i (i32.const 0))
            (loop $frame
              (local.set $at (i32.shl (local.get $i) (i32.const 2)))
              (local.set $x (f64x2.replace_lane 1
                (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at)))))
                (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at))))))
              (local.set $y (f64x2.add (f64x2.mul (local.get $b0) (local.get $x)) (local.get $s1)))
              (local.set $s1 (f64x2.add (f64x2.sub (f64x2.mul (local.get $b1) (local.get $x))
                (f64x2.mul (local.get $a1) (local.get $y))) (local.get $s2)))
              (local.set $s2 (f64x2.sub (f64x2.mul (local.get $b2) (local.get $x))
                (f64x2.mul (local.get $a2) (local.get $y))))
              (f32.store (i32.add (local.get $left) (local.get $at))
                (f32.demote_f64 (f64x2.extract_lane 0 (local.get $y))))
              (f32.store (i32.add (local.get $right) (local.get $at))
                (f32.demote_f64 (f64x2.extract_lane 1 (local.get $y))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $frame (i32.lt_s (local.get $i) (local.get $frames))))
            ;; |s| < limit -> 0 per lane (NaN compares false and is kept, as in the scalar code).
            (local.set $limit (f64x2.splat (f64.load
              (i32.add (local.get $limits) (select (i32.const 8) (i32.const 0)
                (i32.eq (local.get $mode) (i32.const 2)))))))
            (v128.store offset=0 (local.get $st) (v128.bitselect (v128.const i64x2 0 0) (local.get $s1)
              (f64x2.lt (f64x2.abs (local.get $s1)) (local.get $limit))))
            (v128.store offset=16 (local.get $st) (v128.bitselect (v128.const i64x2 0 0) (local.get $s2)
              (f64x2.lt (f64x2.abs (local.get $s2)) (local.get $limit))))))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (br $slots)))
  )
)
