;; Stereo width with mono bass (engine/processors/stereo-width.ts), with the arithmetic of the
;; scalar code in the same order, so every output sample and every filter state is bit-identical
;; to it:
;;   m = 0.5 * (l + r);  s = 0.5 * (l - r)
;;   mono bass: m through the allpass section, s through two high-pass sections, each a
;;   transposed direct form II section: y = b0*x + s1; s1 = (b1*x - a1*y) + s2; s2 = b2*x - a2*y
;;   w += step;  sw = s * w;  l = f32(m + sw);  r = f32(m - sw)
;;
;; Memory (byte addresses fixed here; the owner sizes the memory):
;;   0    f64 w: the width before the first frame; the width after the last is written back
;;   8    f64 step: the width's increment per frame
;;   16   f64 flush threshold (|state| below it becomes 0 after the block)
;;   32   15 f64: allpass [b0 b1 b2 a1 a2], high-pass 1, high-pass 2 (as designBiquad writes them)
;;   160  four v128 of state: A s1, A s2, B s1, B s2, where the A lanes are (allpass, high-pass 1)
;;        and the B lanes are (unused, high-pass 2); the unused lane is 0 after every block
;;   224  scratch: (m, s) per frame, 16 bytes a frame (one spare)
;;
;; run(frames, filter, left, right)
;;   frames       1 .. what the scratch holds
;;   filter       0: width only; 1: mono bass too (the sections run, their state is flushed)
;;   left, right  f32 samples, processed in place, each with one spare sample after them
;;
;; Width only: one pass, two frames per vector. Mono bass: three passes. First (m, s) of every
;; frame into the scratch, two frames per vector. Then the sections frame by frame: the allpass
;; on m and the first high-pass on s in the two lanes of A (independent, so they share a vector),
;; the second high-pass in lane 1 of B (lane 0 has zero coefficients and state: for finite input
;; it holds zeros of either sign, never read). Each section's recursion is a serial chain of
;; about ten cycles a frame; the two vectors' chains overlap across frames. The results go back
;; to the scratch in place, and the width ramp mixes them two frames per vector. Keeping the
;; sections' loop to the sections leaves few values live in it, so coefficients and state stay
;; in registers (V8 spilled the state of a loop that also formed m and s and mixed: 40 % slower).
(module
  (import "env" "memory" (memory 1))

  (func (export "run") (param $frames i32) (param $filter i32) (param $left i32) (param $right i32)
    (if (i32.le_s (local.get $frames) (i32.const 0)) (then (return)))
    (if (i32.eqz (local.get $filter))
      (then (call $width (local.get $frames) (local.get $left) (local.get $right)) (return)))
    (call $midSide (local.get $frames) (local.get $left) (local.get $right))
    (call $sections (local.get $frames))
    (call $mix (local.get $frames) (local.get $left) (local.get $right)))

  ;; Width only, frames 2i and 2i + 1 in the lanes; an odd last frame is done alone after.
  (func $width (param $frames i32) (param $left i32) (param $right i32)
    (local $end i32) (local $w f64) (local $step f64) (local $w0 f64)
    (local $l v128) (local $r v128) (local $m v128) (local $s v128)
    (local.set $w (f64.load offset=0 (i32.const 0)))
    (local.set $step (f64.load offset=8 (i32.const 0)))
    (local.set $end (i32.add (local.get $left)
      (i32.shl (i32.and (local.get $frames) (i32.const -2)) (i32.const 2))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $left) (local.get $end)))
        (local.set $l (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $left))))
        (local.set $r (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $right))))
        (local.set $m (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $l) (local.get $r))))
        (local.set $s (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.sub (local.get $l) (local.get $r))))
        (local.set $w0 (f64.add (local.get $w) (local.get $step)))
        (local.set $w (f64.add (local.get $w0) (local.get $step)))
        (local.set $s (f64x2.mul (local.get $s)
          (f64x2.replace_lane 1 (f64x2.splat (local.get $w0)) (local.get $w))))
        (v128.store64_lane align=4 0 (local.get $left)
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $m) (local.get $s))))
        (v128.store64_lane align=4 0 (local.get $right)
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $m) (local.get $s))))
        (local.set $left (i32.add (local.get $left) (i32.const 8)))
        (local.set $right (i32.add (local.get $right) (i32.const 8)))
        (br $pairs)))
    (if (i32.and (local.get $frames) (i32.const 1))
      (then
        (local.set $l (f64x2.promote_low_f32x4 (v128.load32_zero (local.get $left))))
        (local.set $r (f64x2.promote_low_f32x4 (v128.load32_zero (local.get $right))))
        (local.set $m (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $l) (local.get $r))))
        (local.set $s (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.sub (local.get $l) (local.get $r))))
        (local.set $w (f64.add (local.get $w) (local.get $step)))
        (local.set $s (f64x2.mul (local.get $s) (f64x2.splat (local.get $w))))
        (v128.store32_lane 0 (local.get $left)
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $m) (local.get $s))))
        (v128.store32_lane 0 (local.get $right)
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $m) (local.get $s))))))
    (f64.store offset=0 (i32.const 0) (local.get $w)))

  ;; (m, s) of every frame into the scratch, two frames per pass (an odd last one with the spare).
  (func $midSide (param $frames i32) (param $left i32) (param $right i32)
    (local $end i32) (local $p i32) (local $l v128) (local $r v128) (local $m v128) (local $s v128)
    (local.set $p (i32.const 224))
    (local.set $end (i32.add (local.get $left) (i32.shl (local.get $frames) (i32.const 2))))
    (loop $pairs
      (local.set $l (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $left))))
      (local.set $r (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $right))))
      (local.set $m (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $l) (local.get $r))))
      (local.set $s (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.sub (local.get $l) (local.get $r))))
      (v128.store offset=0 (local.get $p)
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $m) (local.get $s)))
      (v128.store offset=16 (local.get $p)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $m) (local.get $s)))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $left (i32.add (local.get $left) (i32.const 8)))
      (local.set $right (i32.add (local.get $right) (i32.const 8)))
      (br_if $pairs (i32.lt_u (local.get $left) (local.get $end)))))

  ;; The sections, frame by frame, on the scratch's (m, s) in place.
  (func $sections (param $frames i32)
    (local $end i32) (local $p i32) (local $x v128) (local $y v128) (local $limit v128)
    (local $b0a v128) (local $b1a v128) (local $b2a v128) (local $a1a v128) (local $a2a v128)
    (local $b0b v128) (local $b1b v128) (local $b2b v128) (local $a1b v128) (local $a2b v128)
    (local $s1a v128) (local $s2a v128) (local $s1b v128) (local $s2b v128)
    ;; A: lanes (allpass, high-pass 1); B: lanes (0, high-pass 2).
    (local.set $b0a (v128.load64_lane offset=72 1 (i32.const 0) (v128.load64_zero offset=32 (i32.const 0))))
    (local.set $b1a (v128.load64_lane offset=80 1 (i32.const 0) (v128.load64_zero offset=40 (i32.const 0))))
    (local.set $b2a (v128.load64_lane offset=88 1 (i32.const 0) (v128.load64_zero offset=48 (i32.const 0))))
    (local.set $a1a (v128.load64_lane offset=96 1 (i32.const 0) (v128.load64_zero offset=56 (i32.const 0))))
    (local.set $a2a (v128.load64_lane offset=104 1 (i32.const 0) (v128.load64_zero offset=64 (i32.const 0))))
    (local.set $b0b (v128.load64_lane offset=112 1 (i32.const 0) (v128.const i64x2 0 0)))
    (local.set $b1b (v128.load64_lane offset=120 1 (i32.const 0) (v128.const i64x2 0 0)))
    (local.set $b2b (v128.load64_lane offset=128 1 (i32.const 0) (v128.const i64x2 0 0)))
    (local.set $a1b (v128.load64_lane offset=136 1 (i32.const 0) (v128.const i64x2 0 0)))
    (local.set $a2b (v128.load64_lane offset=144 1 (i32.const 0) (v128.const i64x2 0 0)))
    (local.set $s1a (v128.load offset=160 (i32.const 0)))
    (local.set $s2a (v128.load offset=176 (i32.const 0)))
    (local.set $s1b (v128.load offset=192 (i32.const 0)))
    (local.set $s2b (v128.load offset=208 (i32.const 0)))
    (local.set $p (i32.const 224))
    (local.set $end (i32.add (i32.const 224) (i32.shl (local.get $frames) (i32.const 4))))
    (loop $frame
      (local.set $x (v128.load (local.get $p)))
      ;; A: allpass on m, high-pass 1 on s.
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0a) (local.get $x)) (local.get $s1a)))
      (local.set $s1a (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1a) (local.get $x)) (f64x2.mul (local.get $a1a) (local.get $y)))
        (local.get $s2a)))
      (local.set $s2a
        (f64x2.sub (f64x2.mul (local.get $b2a) (local.get $x)) (f64x2.mul (local.get $a2a) (local.get $y))))
      ;; m is done; B: high-pass 2 on s (lane 1).
      (v128.store64_lane 0 (local.get $p) (local.get $y))
      (local.set $x (local.get $y))
      (local.set $y (f64x2.add (f64x2.mul (local.get $b0b) (local.get $x)) (local.get $s1b)))
      (local.set $s1b (f64x2.add
        (f64x2.sub (f64x2.mul (local.get $b1b) (local.get $x)) (f64x2.mul (local.get $a1b) (local.get $y)))
        (local.get $s2b)))
      (local.set $s2b
        (f64x2.sub (f64x2.mul (local.get $b2b) (local.get $x)) (f64x2.mul (local.get $a2b) (local.get $y))))
      (v128.store64_lane offset=8 1 (local.get $p) (local.get $y))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $frame (i32.lt_u (local.get $p) (local.get $end))))
    ;; Flush: |s| < limit -> 0 per lane (NaN compares false and is kept, as in the scalar code).
    (local.set $limit (v128.load64_splat offset=16 (i32.const 0)))
    (v128.store offset=160 (i32.const 0)
      (v128.andnot (local.get $s1a) (f64x2.lt (f64x2.abs (local.get $s1a)) (local.get $limit))))
    (v128.store offset=176 (i32.const 0)
      (v128.andnot (local.get $s2a) (f64x2.lt (f64x2.abs (local.get $s2a)) (local.get $limit))))
    (v128.store offset=192 (i32.const 0)
      (v128.andnot (local.get $s1b) (f64x2.lt (f64x2.abs (local.get $s1b)) (local.get $limit))))
    (v128.store offset=208 (i32.const 0)
      (v128.andnot (local.get $s2b) (f64x2.lt (f64x2.abs (local.get $s2b)) (local.get $limit)))))

  ;; The width ramp on the scratch's (m, s), frames 2i and 2i + 1 in the lanes; an odd last frame
  ;; is done alone after.
  (func $mix (param $frames i32) (param $left i32) (param $right i32)
    (local $end i32) (local $p i32) (local $w f64) (local $step f64) (local $w0 f64)
    (local $a v128) (local $b v128) (local $m v128) (local $s v128)
    (local.set $w (f64.load offset=0 (i32.const 0)))
    (local.set $step (f64.load offset=8 (i32.const 0)))
    (local.set $p (i32.const 224))
    (local.set $end (i32.add (local.get $left)
      (i32.shl (i32.and (local.get $frames) (i32.const -2)) (i32.const 2))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $left) (local.get $end)))
        (local.set $a (v128.load offset=0 (local.get $p)))
        (local.set $b (v128.load offset=16 (local.get $p)))
        (local.set $m (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $s (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $w0 (f64.add (local.get $w) (local.get $step)))
        (local.set $w (f64.add (local.get $w0) (local.get $step)))
        (local.set $s (f64x2.mul (local.get $s)
          (f64x2.replace_lane 1 (f64x2.splat (local.get $w0)) (local.get $w))))
        (v128.store64_lane align=4 0 (local.get $left)
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $m) (local.get $s))))
        (v128.store64_lane align=4 0 (local.get $right)
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $m) (local.get $s))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $left (i32.add (local.get $left) (i32.const 8)))
        (local.set $right (i32.add (local.get $right) (i32.const 8)))
        (br $pairs)))
    (if (i32.and (local.get $frames) (i32.const 1))
      (then
        (local.set $a (v128.load (local.get $p)))
        (local.set $w (f64.add (local.get $w) (local.get $step)))
        (local.set $s (f64x2.mul (f64x2.splat (f64x2.extract_lane 1 (local.get $a))) (f64x2.splat (local.get $w))))
        (local.set $m (f64x2.splat (f64x2.extract_lane 0 (local.get $a))))
        (v128.store32_lane 0 (local.get $left)
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $m) (local.get $s))))
        (v128.store32_lane 0 (local.get $right)
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $m) (local.get $s))))))
    (f64.store offset=0 (i32.const 0) (local.get $w)))
)
