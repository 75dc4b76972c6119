;; Stereo biquad cascade with Float32 samples between sections: BiquadCascade.process
;; (engine/dsp/biquad-filter.ts, runBiquad32) on left and right at once, left in f64x2 lane 0 and
;; right in lane 1. Each section filters in double precision with the scalar code's arithmetic in
;; the same order (no FMA in fixed-width SIMD):
;;   y = b0*x + s1;  s1 = (b1*x - a1*y) + s2;  s2 = b2*x - a2*y
;; and its output y is rounded to f32 (round to nearest even, as a Float32Array store does) before
;; the next section reads it, so output, state and modes are bit-identical to running
;; BiquadCascade.process on each channel. (biquad-stereo.wat keeps the signal in doubles between
;; sections instead; this one keeps the JS results.)
;;
;; run(limits, modes, coefs, state, sections, block, left, right, frames)
;;   limits       two f64: [flush threshold of a running section, settle threshold of a draining one]
;;   modes        i32 per slot: 0 off (skipped, costs nothing), 1 on, 2 draining
;;   coefs        five f64 per slot: b0 b1 b2 a1 a2 (a0 = 1)
;;   state        per slot two v128: s1 (L, R), s2 (L, R); 16-byte aligned
;;   block        room for `frames` v128: the frames as f64 pairs (L, R) between section groups
;;   left, right  `frames` f32 samples each, filtered in place
;; With no slot running nothing is touched. Afterwards every running slot's state below its
;; threshold (limits[0], or limits[1] for a draining slot) is set to 0, lane by lane: subnormals
;; are slow, and a drained slot must reach exactly 0 to be switched off. (The scalar code flushes
;; each section right after its pass; the state is not read again within the block, so flushing
;; all of them at the end gives the same values.)
;;
;; Why groups: one section is a serial chain per frame (add, multiply, subtract, add: about a
;; dozen cycles), so a pass of one section over the frames runs at the latency of that chain. Up
;; to four consecutive running slots go through the frame loop together ($run4 .. $run1): each
;; frame passes through all of them in turn (rounded to f32 between them in registers: demote,
;; promote), and the independent chains of the sections overlap. Coefficients and state stay in
;; locals for the whole block; the f32 samples are widened once as the first group reads them,
;; and the frames pass between groups as f64 pairs holding f32 values (exact).
(module
  (import "env" "memory" (memory 1))

  (func (export "run")
    (param $limits i32) (param $modes i32) (param $coefs i32) (param $state i32) (param $sections i32)
    (param $block i32) (param $left i32) (param $right i32) (param $frames i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $first i32)
    (local $at i32) (local $mode i32) (local $limit v128) (local $s v128)
    (if (i32.le_s (local.get $frames) (i32.const 0)) (then (return)))
    ;; Running slots in groups of four, then the remaining three, two or one. The first group reads
    ;; left/right, the others read the block in f64; every group writes both (see $runN).
    (local.set $first (i32.const 1))
    (local.set $a (call $next (local.get $modes) (i32.const 0) (local.get $sections)))
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.ge_s (local.get $a) (local.get $sections)))
        (local.set $b
          (call $next (local.get $modes) (i32.add (local.get $a) (i32.const 1)) (local.get $sections)))
        (if (i32.ge_s (local.get $b) (local.get $sections))
          (then
            (call $run1 (local.get $coefs) (local.get $state) (local.get $block) (local.get $left)
              (local.get $right) (local.get $frames) (local.get $first)
              (local.get $a))
            (br $groupsDone)))
        (local.set $c
          (call $next (local.get $modes) (i32.add (local.get $b) (i32.const 1)) (local.get $sections)))
        (if (i32.ge_s (local.get $c) (local.get $sections))
          (then
            (call $run2 (local.get $coefs) (local.get $state) (local.get $block) (local.get $left)
              (local.get $right) (local.get $frames) (local.get $first)
              (local.get $a) (local.get $b))
            (br $groupsDone)))
        (local.set $d
          (call $next (local.get $modes) (i32.add (local.get $c) (i32.const 1)) (local.get $sections)))
        (if (i32.ge_s (local.get $d) (local.get $sections))
          (then
            (call $run3 (local.get $coefs) (local.get $state) (local.get $block) (local.get $left)
              (local.get $right) (local.get $frames) (local.get $first)
              (local.get $a) (local.get $b) (local.get $c))
            (br $groupsDone)))
        (call $run4 (local.get $coefs) (local.get $state) (local.get $block) (local.get $left)
          (local.get $right) (local.get $frames) (local.get $first)
          (local.get $a) (local.get $b) (local.get $c) (local.get $d))
        (local.set $first (i32.const 0))
        (local.set $a
          (call $next (local.get $modes) (i32.add (local.get $d) (i32.const 1)) (local.get $sections)))
        (br $groups)))
    ;; Flush: |s| < limit -> 0 per lane (NaN compares false and is kept, as in the scalar code).
    (local.set $a (i32.const 0))
    (block $flushDone
      (loop $flush
        (br_if $flushDone (i32.ge_s (local.get $a) (local.get $sections)))
        (local.set $mode (i32.load (i32.add (local.get $modes) (i32.shl (local.get $a) (i32.const 2)))))
        (if (local.get $mode)
          (then
            (local.set $limit (v128.load64_splat
              (i32.add (local.get $limits) (i32.shl (i32.eq (local.get $mode) (i32.const 2)) (i32.const 3)))))
            (local.set $at (i32.add (local.get $state) (i32.shl (local.get $a) (i32.const 5))))
            (local.set $s (v128.load (local.get $at)))
            (v128.store (local.get $at)
              (v128.andnot (local.get $s) (f64x2.lt (f64x2.abs (local.get $s)) (local.get $limit))))
            (local.set $s (v128.load offset=16 (local.get $at)))
            (v128.store offset=16 (local.get $at)
              (v128.andnot (local.get $s) (f64x2.lt (f64x2.abs (local.get $s)) (local.get $limit))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $flush))))

  ;; The first slot >= $from whose mode is not off, or $sections if there is none.
  (func $next (param $modes i32) (param $from i32) (param $sections i32) (result i32)
    (block $found
      (loop $scan
        (br_if $found (i32.ge_s (local.get $from) (local.get $sections)))
        (br_if $found (i32.load (i32.add (local.get $modes) (i32.shl (local.get $from) (i32.const 2)))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $scan)))
    (local.get $from))

  ;; $runN: slots $a < $b < ... through `frames` >= 1 frames, in that order per frame. Frame i comes
  ;; from left/right[i] (widened) if $first, else from the block, and goes to both, rounded to f32:
  ;; the block (widened back, exact) for the next group, left/right[i] in case this group is the
  ;; last. Branch-free (select, and both stores) because branches in the frame loop measured
  ;; slower; writing left/right[i] early is safe, as nothing reads it again after the first group
  ;; has read it.
  ;; Slot k's coefficients are at coefs + 40k, its state at state + 32k.
  (func $run1 (param $coefs i32) (param $state i32) (param $block i32) (param $left i32) (param $right i32)
    (param $frames i32) (param $first i32) (param $a i32)
    (local $i i32) (local $p i32) (local $end i32) (local $x v128) (local $y v128)
    (local $ac i32) (local $as i32)
    (local $b0a v128) (local $b1a v128) (local $b2a v128) (local $a1a v128) (local $a2a v128)
    (local $s1a v128) (local $s2a v128)
    (local.set $ac (i32.add (local.get $coefs) (i32.mul (local.get $a) (i32.const 40))))
    (local.set $as (i32.add (local.get $state) (i32.shl (local.get $a) (i32.const 5))))
    (local.set $b0a (v128.load64_splat offset=0 (local.get $ac)))
    (local.set $b1a (v128.load64_splat offset=8 (local.get $ac)))
    (local.set $b2a (v128.load64_splat offset=16 (local.get $ac)))
    (local.set $a1a (v128.load64_splat offset=24 (local.get $ac)))
    (local.set $a2a (v128.load64_splat offset=32 (local.get $ac)))
    (local.set $s1a (v128.load (local.get $as)))
    (local.set $s2a (v128.load offset=16 (local.get $as)))
    (local.set $p (local.get $block))
    (local.set $end (i32.shl (local.get $frames) (i32.const 2)))
    (loop $frame
      (local.set $x (select (result v128)
        (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $right) (local.get $i))
            (v128.load32_zero (i32.add (local.get $left) (local.get $i)))))
        (v128.load (local.get $p))
        (local.get $first)))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0a) (local.get $x)) (local.get $s1a)))
      (local.set $s1a (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1a) (local.get $x)) (f64x2.mul (local.get $a1a) (local.get $y)))
        (local.get $s2a)))
      (local.set $s2a
        (f64x2.sub (f64x2.mul (local.get $b2a) (local.get $x)) (f64x2.mul (local.get $a2a) (local.get $y))))
      (local.set $y (f32x4.demote_f64x2_zero (local.get $y)))
      (v128.store (local.get $p) (f64x2.promote_low_f32x4 (local.get $y)))
      (v128.store32_lane 0 (i32.add (local.get $left) (local.get $i)) (local.get $y))
      (v128.store32_lane 1 (i32.add (local.get $right) (local.get $i)) (local.get $y))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $frame (i32.lt_u (local.get $i) (local.get $end))))
    (v128.store (local.get $as) (local.get $s1a))
    (v128.store offset=16 (local.get $as) (local.get $s2a))
  )
  (func $run2 (param $coefs i32) (param $state i32) (param $block i32) (param $left i32) (param $right i32)
    (param $frames i32) (param $first i32) (param $a i32) (param $b i32)
    (local $i i32) (local $p i32) (local $end i32) (local $x v128) (local $y v128)
    (local $ac i32) (local $as i32)
    (local $b0a v128) (local $b1a v128) (local $b2a v128) (local $a1a v128) (local $a2a v128)
    (local $s1a v128) (local $s2a v128)
    (local $bc i32) (local $bs i32)
    (local $b0b v128) (local $b1b v128) (local $b2b v128) (local $a1b v128) (local $a2b v128)
    (local $s1b v128) (local $s2b v128)
    (local.set $ac (i32.add (local.get $coefs) (i32.mul (local.get $a) (i32.const 40))))
    (local.set $as (i32.add (local.get $state) (i32.shl (local.get $a) (i32.const 5))))
    (local.set $b0a (v128.load64_splat offset=0 (local.get $ac)))
    (local.set $b1a (v128.load64_splat offset=8 (local.get $ac)))
    (local.set $b2a (v128.load64_splat offset=16 (local.get $ac)))
    (local.set $a1a (v128.load64_splat offset=24 (local.get $ac)))
    (local.set $a2a (v128.load64_splat offset=32 (local.get $ac)))
    (local.set $s1a (v128.load (local.get $as)))
    (local.set $s2a (v128.load offset=16 (local.get $as)))
    (local.set $bc (i32.add (local.get $coefs) (i32.mul (local.get $b) (i32.const 40))))
    (local.set $bs (i32.add (local.get $state) (i32.shl (local.get $b) (i32.const 5))))
    (local.set $b0b (v128.load64_splat offset=0 (local.get $bc)))
    (local.set $b1b (v128.load64_splat offset=8 (local.get $bc)))
    (local.set $b2b (v128.load64_splat offset=16 (local.get $bc)))
    (local.set $a1b (v128.load64_splat offset=24 (local.get $bc)))
    (local.set $a2b (v128.load64_splat offset=32 (local.get $bc)))
    (local.set $s1b (v128.load (local.get $bs)))
    (local.set $s2b (v128.load offset=16 (local.get $bs)))
    (local.set $p (local.get $block))
    (local.set $end (i32.shl (local.get $frames) (i32.const 2)))
    (loop $frame
      (local.set $x (select (result v128)
        (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $right) (local.get $i))
            (v128.load32_zero (i32.add (local.get $left) (local.get $i)))))
        (v128.load (local.get $p))
        (local.get $first)))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0a) (local.get $x)) (local.get $s1a)))
      (local.set $s1a (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1a) (local.get $x)) (f64x2.mul (local.get $a1a) (local.get $y)))
        (local.get $s2a)))
      (local.set $s2a
        (f64x2.sub (f64x2.mul (local.get $b2a) (local.get $x)) (f64x2.mul (local.get $a2a) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0b) (local.get $x)) (local.get $s1b)))
      (local.set $s1b (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1b) (local.get $x)) (f64x2.mul (local.get $a1b) (local.get $y)))
        (local.get $s2b)))
      (local.set $s2b
        (f64x2.sub (f64x2.mul (local.get $b2b) (local.get $x)) (f64x2.mul (local.get $a2b) (local.get $y))))
      (local.set $y (f32x4.demote_f64x2_zero (local.get $y)))
      (v128.store (local.get $p) (f64x2.promote_low_f32x4 (local.get $y)))
      (v128.store32_lane 0 (i32.add (local.get $left) (local.get $i)) (local.get $y))
      (v128.store32_lane 1 (i32.add (local.get $right) (local.get $i)) (local.get $y))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $frame (i32.lt_u (local.get $i) (local.get $end))))
    (v128.store (local.get $as) (local.get $s1a))
    (v128.store offset=16 (local.get $as) (local.get $s2a))
    (v128.store (local.get $bs) (local.get $s1b))
    (v128.store offset=16 (local.get $bs) (local.get $s2b))
  )
  (func $run3 (param $coefs i32) (param $state i32) (param $block i32) (param $left i32) (param $right i32)
    (param $frames i32) (param $first i32) (param $a i32) (param $b i32) (param $c i32)
    (local $i i32) (local $p i32) (local $end i32) (local $x v128) (local $y v128)
    (local $ac i32) (local $as i32)
    (local $b0a v128) (local $b1a v128) (local $b2a v128) (local $a1a v128) (local $a2a v128)
    (local $s1a v128) (local $s2a v128)
    (local $bc i32) (local $bs i32)
    (local $b0b v128) (local $b1b v128) (local $b2b v128) (local $a1b v128) (local $a2b v128)
    (local $s1b v128) (local $s2b v128)
    (local $cc i32) (local $cs i32)
    (local $b0c v128) (local $b1c v128) (local $b2c v128) (local $a1c v128) (local $a2c v128)
    (local $s1c v128) (local $s2c v128)
    (local.set $ac (i32.add (local.get $coefs) (i32.mul (local.get $a) (i32.const 40))))
    (local.set $as (i32.add (local.get $state) (i32.shl (local.get $a) (i32.const 5))))
    (local.set $b0a (v128.load64_splat offset=0 (local.get $ac)))
    (local.set $b1a (v128.load64_splat offset=8 (local.get $ac)))
    (local.set $b2a (v128.load64_splat offset=16 (local.get $ac)))
    (local.set $a1a (v128.load64_splat offset=24 (local.get $ac)))
    (local.set $a2a (v128.load64_splat offset=32 (local.get $ac)))
    (local.set $s1a (v128.load (local.get $as)))
    (local.set $s2a (v128.load offset=16 (local.get $as)))
    (local.set $bc (i32.add (local.get $coefs) (i32.mul (local.get $b) (i32.const 40))))
    (local.set $bs (i32.add (local.get $state) (i32.shl (local.get $b) (i32.const 5))))
    (local.set $b0b (v128.load64_splat offset=0 (local.get $bc)))
    (local.set $b1b (v128.load64_splat offset=8 (local.get $bc)))
    (local.set $b2b (v128.load64_splat offset=16 (local.get $bc)))
    (local.set $a1b (v128.load64_splat offset=24 (local.get $bc)))
    (local.set $a2b (v128.load64_splat offset=32 (local.get $bc)))
    (local.set $s1b (v128.load (local.get $bs)))
    (local.set $s2b (v128.load offset=16 (local.get $bs)))
    (local.set $cc (i32.add (local.get $coefs) (i32.mul (local.get $c) (i32.const 40))))
    (local.set $cs (i32.add (local.get $state) (i32.shl (local.get $c) (i32.const 5))))
    (local.set $b0c (v128.load64_splat offset=0 (local.get $cc)))
    (local.set $b1c (v128.load64_splat offset=8 (local.get $cc)))
    (local.set $b2c (v128.load64_splat offset=16 (local.get $cc)))
    (local.set $a1c (v128.load64_splat offset=24 (local.get $cc)))
    (local.set $a2c (v128.load64_splat offset=32 (local.get $cc)))
    (local.set $s1c (v128.load (local.get $cs)))
    (local.set $s2c (v128.load offset=16 (local.get $cs)))
    (local.set $p (local.get $block))
    (local.set $end (i32.shl (local.get $frames) (i32.const 2)))
    (loop $frame
      (local.set $x (select (result v128)
        (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $right) (local.get $i))
            (v128.load32_zero (i32.add (local.get $left) (local.get $i)))))
        (v128.load (local.get $p))
        (local.get $first)))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0a) (local.get $x)) (local.get $s1a)))
      (local.set $s1a (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1a) (local.get $x)) (f64x2.mul (local.get $a1a) (local.get $y)))
        (local.get $s2a)))
      (local.set $s2a
        (f64x2.sub (f64x2.mul (local.get $b2a) (local.get $x)) (f64x2.mul (local.get $a2a) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0b) (local.get $x)) (local.get $s1b)))
      (local.set $s1b (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1b) (local.get $x)) (f64x2.mul (local.get $a1b) (local.get $y)))
        (local.get $s2b)))
      (local.set $s2b
        (f64x2.sub (f64x2.mul (local.get $b2b) (local.get $x)) (f64x2.mul (local.get $a2b) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0c) (local.get $x)) (local.get $s1c)))
      (local.set $s1c (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1c) (local.get $x)) (f64x2.mul (local.get $a1c) (local.get $y)))
        (local.get $s2c)))
      (local.set $s2c
        (f64x2.sub (f64x2.mul (local.get $b2c) (local.get $x)) (f64x2.mul (local.get $a2c) (local.get $y))))
      (local.set $y (f32x4.demote_f64x2_zero (local.get $y)))
      (v128.store (local.get $p) (f64x2.promote_low_f32x4 (local.get $y)))
      (v128.store32_lane 0 (i32.add (local.get $left) (local.get $i)) (local.get $y))
      (v128.store32_lane 1 (i32.add (local.get $right) (local.get $i)) (local.get $y))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $frame (i32.lt_u (local.get $i) (local.get $end))))
    (v128.store (local.get $as) (local.get $s1a))
    (v128.store offset=16 (local.get $as) (local.get $s2a))
    (v128.store (local.get $bs) (local.get $s1b))
    (v128.store offset=16 (local.get $bs) (local.get $s2b))
    (v128.store (local.get $cs) (local.get $s1c))
    (v128.store offset=16 (local.get $cs) (local.get $s2c))
  )
  (func $run4 (param $coefs i32) (param $state i32) (param $block i32) (param $left i32) (param $right i32)
    (param $frames i32) (param $first i32)
    (param $a i32) (param $b i32) (param $c i32) (param $d i32)
    (local $i i32) (local $p i32) (local $end i32) (local $x v128) (local $y v128)
    (local $ac i32) (local $as i32)
    (local $b0a v128) (local $b1a v128) (local $b2a v128) (local $a1a v128) (local $a2a v128)
    (local $s1a v128) (local $s2a v128)
    (local $bc i32) (local $bs i32)
    (local $b0b v128) (local $b1b v128) (local $b2b v128) (local $a1b v128) (local $a2b v128)
    (local $s1b v128) (local $s2b v128)
    (local $cc i32) (local $cs i32)
    (local $b0c v128) (local $b1c v128) (local $b2c v128) (local $a1c v128) (local $a2c v128)
    (local $s1c v128) (local $s2c v128)
    (local $dc i32) (local $ds i32)
    (local $b0d v128) (local $b1d v128) (local $b2d v128) (local $a1d v128) (local $a2d v128)
    (local $s1d v128) (local $s2d v128)
    (local.set $ac (i32.add (local.get $coefs) (i32.mul (local.get $a) (i32.const 40))))
    (local.set $as (i32.add (local.get $state) (i32.shl (local.get $a) (i32.const 5))))
    (local.set $b0a (v128.load64_splat offset=0 (local.get $ac)))
    (local.set $b1a (v128.load64_splat offset=8 (local.get $ac)))
    (local.set $b2a (v128.load64_splat offset=16 (local.get $ac)))
    (local.set $a1a (v128.load64_splat offset=24 (local.get $ac)))
    (local.set $a2a (v128.load64_splat offset=32 (local.get $ac)))
    (local.set $s1a (v128.load (local.get $as)))
    (local.set $s2a (v128.load offset=16 (local.get $as)))
    (local.set $bc (i32.add (local.get $coefs) (i32.mul (local.get $b) (i32.const 40))))
    (local.set $bs (i32.add (local.get $state) (i32.shl (local.get $b) (i32.const 5))))
    (local.set $b0b (v128.load64_splat offset=0 (local.get $bc)))
    (local.set $b1b (v128.load64_splat offset=8 (local.get $bc)))
    (local.set $b2b (v128.load64_splat offset=16 (local.get $bc)))
    (local.set $a1b (v128.load64_splat offset=24 (local.get $bc)))
    (local.set $a2b (v128.load64_splat offset=32 (local.get $bc)))
    (local.set $s1b (v128.load (local.get $bs)))
    (local.set $s2b (v128.load offset=16 (local.get $bs)))
    (local.set $cc (i32.add (local.get $coefs) (i32.mul (local.get $c) (i32.const 40))))
    (local.set $cs (i32.add (local.get $state) (i32.shl (local.get $c) (i32.const 5))))
    (local.set $b0c (v128.load64_splat offset=0 (local.get $cc)))
    (local.set $b1c (v128.load64_splat offset=8 (local.get $cc)))
    (local.set $b2c (v128.load64_splat offset=16 (local.get $cc)))
    (local.set $a1c (v128.load64_splat offset=24 (local.get $cc)))
    (local.set $a2c (v128.load64_splat offset=32 (local.get $cc)))
    (local.set $s1c (v128.load (local.get $cs)))
    (local.set $s2c (v128.load offset=16 (local.get $cs)))
    (local.set $dc (i32.add (local.get $coefs) (i32.mul (local.get $d) (i32.const 40))))
    (local.set $ds (i32.add (local.get $state) (i32.shl (local.get $d) (i32.const 5))))
    (local.set $b0d (v128.load64_splat offset=0 (local.get $dc)))
    (local.set $b1d (v128.load64_splat offset=8 (local.get $dc)))
    (local.set $b2d (v128.load64_splat offset=16 (local.get $dc)))
    (local.set $a1d (v128.load64_splat offset=24 (local.get $dc)))
    (local.set $a2d (v128.load64_splat offset=32 (local.get $dc)))
    (local.set $s1d (v128.load (local.get $ds)))
    (local.set $s2d (v128.load offset=16 (local.get $ds)))
    (local.set $p (local.get $block))
    (local.set $end (i32.shl (local.get $frames) (i32.const 2)))
    (loop $frame
      (local.set $x (select (result v128)
        (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $right) (local.get $i))
            (v128.load32_zero (i32.add (local.get $left) (local.get $i)))))
        (v128.load (local.get $p))
        (local.get $first)))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0a) (local.get $x)) (local.get $s1a)))
      (local.set $s1a (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1a) (local.get $x)) (f64x2.mul (local.get $a1a) (local.get $y)))
        (local.get $s2a)))
      (local.set $s2a
        (f64x2.sub (f64x2.mul (local.get $b2a) (local.get $x)) (f64x2.mul (local.get $a2a) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0b) (local.get $x)) (local.get $s1b)))
      (local.set $s1b (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1b) (local.get $x)) (f64x2.mul (local.get $a1b) (local.get $y)))
        (local.get $s2b)))
      (local.set $s2b
        (f64x2.sub (f64x2.mul (local.get $b2b) (local.get $x)) (f64x2.mul (local.get $a2b) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0c) (local.get $x)) (local.get $s1c)))
      (local.set $s1c (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1c) (local.get $x)) (f64x2.mul (local.get $a1c) (local.get $y)))
        (local.get $s2c)))
      (local.set $s2c
        (f64x2.sub (f64x2.mul (local.get $b2c) (local.get $x)) (f64x2.mul (local.get $a2c) (local.get $y))))
      (local.set $x (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $y))))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0d) (local.get $x)) (local.get $s1d)))
      (local.set $s1d (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1d) (local.get $x)) (f64x2.mul (local.get $a1d) (local.get $y)))
        (local.get $s2d)))
      (local.set $s2d
        (f64x2.sub (f64x2.mul (local.get $b2d) (local.get $x)) (f64x2.mul (local.get $a2d) (local.get $y))))
      (local.set $y (f32x4.demote_f64x2_zero (local.get $y)))
      (v128.store (local.get $p) (f64x2.promote_low_f32x4 (local.get $y)))
      (v128.store32_lane 0 (i32.add (local.get $left) (local.get $i)) (local.get $y))
      (v128.store32_lane 1 (i32.add (local.get $right) (local.get $i)) (local.get $y))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $frame (i32.lt_u (local.get $i) (local.get $end))))
    (v128.store (local.get $as) (local.get $s1a))
    (v128.store offset=16 (local.get $as) (local.get $s2a))
    (v128.store (local.get $bs) (local.get $s1b))
    (v128.store offset=16 (local.get $bs) (local.get $s2b))
    (v128.store (local.get $cs) (local.get $s1c))
    (v128.store offset=16 (local.get $cs) (local.get $s2c))
    (v128.store (local.get $ds) (local.get $s1d))
    (v128.store offset=16 (local.get $ds) (local.get $s2d))
  ))
