;; Word-length reduction (engine/processors/dither.ts): xoshiro128** noise, TPDF or noise-shaped
;; dither, rounding and clamping, with the arithmetic of the scalar code in the same order, so
;; every output sample and every fed-back error is bit-identical to it.
;;
;; Memory (byte addresses fixed here; the owner sizes the memory):
;;   0     xoshiro128 state: four i32 s0 s1 s2 s3 (engine/dsp/xoshiro128.ts)
;;   16    f64 scale (2^(bits-1)), 24 inverse (1/scale), 32 top (scale - 1), 40 bottom (-scale)
;;   48    five f64: the shaping filter h0 .. h4
;;   96    five v128: the shaper's past errors e1 .. e5 in LSB, newest first, left in lane 0,
;;         right in lane 1
;;   176   16 zero bytes (the right lane's sample and draws for a mono signal; they stay zero)
;;   192   draws (shaped only): room for 4 * maxFrames i32, s1 of every generator step
;;   then  the samples (the owner passes their address)
;;
;; reduce(mode, frames, channels, samples)
;;   mode      0 tpdf, 1 shaped, 2 none (plain rounding: draws no noise)
;;   frames    1 .. maxFrames
;;   channels  1 (left only) or 2
;;   samples   f32 left[frames], then (stereo) right[frames], then one spare; reduced in place
;;
;; Noise: the scalar code draws 2 * frames uniforms u = r * 2^-32 for the left channel, then
;; 2 * frames for the right, and uses d = u[2i] - u[2i + 1] at frame i. Here the generator runs
;; on the state words alone (its serial chain of about ten integer instructions a step is the
;; cost); the output scrambler r = rotl(s1 * 5, 7) * 9 is applied to four steps' s1 at once in
;; i32x4 lanes, and d = ((2^52 + r[2i]) - (2^52 + r[2i + 1])) * 2^-32, the doubles 2^52 + r built
;; by placing r under the exponent bits 0x43300000 (no conversion instruction). Every step is
;; exact (integers below 2^53, a power-of-two scale), so d equals the scalar u[2i] - u[2i + 1] bit
;; for bit.
;;
;; Per sample (f64, as the scalar code): x = sample, 0 if not finite (x - x != 0);
;;   tpdf/none: q = floor(x * scale + d + 0.5)          (none: d = 0, which gives the same sums)
;;   shaped:    w = x * scale - ((((h0 e1 + h1 e2) + h2 e3) + h3 e4) + h4 e5)
;;              q = floor(w + d + 0.5);  e = clamp(q - w, +-1.5) becomes the newest error
;;   q = min(q, top) then max(q, bottom) (pmin/pmax: the scalar code's comparisons exactly; q is
;;   never NaN or -0), sample = f32(q * inverse).
;; tpdf and none run two consecutive samples per vector over left and right as one run (the
;; draws are consumed in the same order), tpdf with the generator steps in the same loop so the
;; integer chain and the vector work overlap (about a quarter faster than storing the draws
;; first); shaped runs left and right in the two lanes (each channel's feedback chain is serial,
;; the two are independent) from draws stored first.
(module
  (import "env" "memory" (memory 1))

  (func (export "reduce")
    (param $mode i32) (param $frames i32) (param $channels i32) (param $samples i32)
    (local $count i32)
    (if (i32.le_s (local.get $frames) (i32.const 0)) (then (return)))
    (local.set $count (i32.mul (local.get $frames) (local.get $channels)))
    (if (i32.eqz (local.get $mode))
      (then (call $tpdf (local.get $samples) (local.get $count)) (return)))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then
        (call $draw (i32.shl (local.get $count) (i32.const 1)))
        (call $shaped (local.get $frames) (local.get $channels) (local.get $samples))
        (return)))
    (call $none (local.get $samples) (local.get $count)))

  ;; tpdf on $count samples: four per iteration with their eight generator steps (two vectors),
  ;; then two, then an odd last sample with two steps (the generator must advance exactly
  ;; 2 * $count), processed with the spare sample after it (never copied out).
  (func $tpdf (param $samples i32) (param $count i32)
    (local $end i32) (local $end4 i32) (local $x v128) (local $q v128) (local $d v128) (local $r v128)
    (local $scale v128) (local $inverse v128) (local $top v128) (local $bottom v128)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $t i32)
    (local.set $s0 (i32.load offset=0 (i32.const 0)))
    (local.set $s1 (i32.load offset=4 (i32.const 0)))
    (local.set $s2 (i32.load offset=8 (i32.const 0)))
    (local.set $s3 (i32.load offset=12 (i32.const 0)))
    (local.set $scale (v128.load64_splat offset=16 (i32.const 0)))
    (local.set $inverse (v128.load64_splat offset=24 (i32.const 0)))
    (local.set $top (v128.load64_splat offset=32 (i32.const 0)))
    (local.set $bottom (v128.load64_splat offset=40 (i32.const 0)))
    (local.set $end (i32.add (local.get $samples)
      (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $samples)
      (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $samples) (local.get $end4)))
        ;; s1 of four steps into the lanes of r (building r in registers: storing the words and
        ;; loading them as one vector would stall on store forwarding).
        (local.set $r (i32x4.splat (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 1 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 2 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 3 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        ;; r = rotl(s1 * 5, 7) * 9 in four lanes, wrapping as Math.imul: x * 5 = (x << 2) + x and
        ;; x * 9 = (x << 3) + x modulo 2^32. Then d of lanes (0, 1) and (2, 3).
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 2)) (local.get $r)))
        (local.set $r
          (v128.or (i32x4.shl (local.get $r) (i32.const 7)) (i32x4.shr_u (local.get $r) (i32.const 25))))
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 3)) (local.get $r)))
        (local.set $d (f64x2.mul
          (f64x2.sub
            (v128.or (v128.and (local.get $r) (v128.const i64x2 0xffffffff 0xffffffff))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000))
            (v128.or (i64x2.shr_u (local.get $r) (i32.const 32))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000)))
          (v128.const f64x2 0x1p-32 0x1p-32)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $samples))))
        (local.set $x (v128.and (local.get $x)
          (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
        (local.set $q (f64x2.floor (f64x2.add
          (f64x2.add (f64x2.mul (local.get $x) (local.get $scale)) (local.get $d))
          (v128.const f64x2 0.5 0.5))))
        (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
        (v128.store64_lane align=4 0 (local.get $samples)
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
        (local.set $r (i32x4.splat (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 1 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 2 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 3 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        ;; r = rotl(s1 * 5, 7) * 9 in four lanes, wrapping as Math.imul: x * 5 = (x << 2) + x and
        ;; x * 9 = (x << 3) + x modulo 2^32. Then d of lanes (0, 1) and (2, 3).
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 2)) (local.get $r)))
        (local.set $r
          (v128.or (i32x4.shl (local.get $r) (i32.const 7)) (i32x4.shr_u (local.get $r) (i32.const 25))))
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 3)) (local.get $r)))
        (local.set $d (f64x2.mul
          (f64x2.sub
            (v128.or (v128.and (local.get $r) (v128.const i64x2 0xffffffff 0xffffffff))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000))
            (v128.or (i64x2.shr_u (local.get $r) (i32.const 32))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000)))
          (v128.const f64x2 0x1p-32 0x1p-32)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $samples))))
        (local.set $x (v128.and (local.get $x)
          (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
        (local.set $q (f64x2.floor (f64x2.add
          (f64x2.add (f64x2.mul (local.get $x) (local.get $scale)) (local.get $d))
          (v128.const f64x2 0.5 0.5))))
        (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
        (v128.store64_lane offset=8 align=4 0 (local.get $samples)
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
        (local.set $samples (i32.add (local.get $samples) (i32.const 16)))
        (br $quads)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $samples) (local.get $end)))
        ;; s1 of four steps into the lanes of r (building r in registers: storing the words and
        ;; loading them as one vector would stall on store forwarding).
        (local.set $r (i32x4.splat (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 1 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 2 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 3 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        ;; r = rotl(s1 * 5, 7) * 9 in four lanes, wrapping as Math.imul: x * 5 = (x << 2) + x and
        ;; x * 9 = (x << 3) + x modulo 2^32. Then d of lanes (0, 1) and (2, 3).
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 2)) (local.get $r)))
        (local.set $r
          (v128.or (i32x4.shl (local.get $r) (i32.const 7)) (i32x4.shr_u (local.get $r) (i32.const 25))))
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 3)) (local.get $r)))
        (local.set $d (f64x2.mul
          (f64x2.sub
            (v128.or (v128.and (local.get $r) (v128.const i64x2 0xffffffff 0xffffffff))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000))
            (v128.or (i64x2.shr_u (local.get $r) (i32.const 32))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000)))
          (v128.const f64x2 0x1p-32 0x1p-32)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $samples))))
        (local.set $x (v128.and (local.get $x)
          (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
        (local.set $q (f64x2.floor (f64x2.add
          (f64x2.add (f64x2.mul (local.get $x) (local.get $scale)) (local.get $d))
          (v128.const f64x2 0.5 0.5))))
        (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
        (v128.store64_lane align=4 0 (local.get $samples)
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
        (local.set $samples (i32.add (local.get $samples) (i32.const 8)))
        (br $pairs)))
    (if (i32.and (local.get $count) (i32.const 1))
      (then
        (local.set $r (i32x4.splat (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $r (i32x4.replace_lane 1 (local.get $r) (local.get $s1)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        ;; r = rotl(s1 * 5, 7) * 9 in four lanes, wrapping as Math.imul: x * 5 = (x << 2) + x and
        ;; x * 9 = (x << 3) + x modulo 2^32. Then d of lanes (0, 1) and (2, 3).
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 2)) (local.get $r)))
        (local.set $r
          (v128.or (i32x4.shl (local.get $r) (i32.const 7)) (i32x4.shr_u (local.get $r) (i32.const 25))))
        (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 3)) (local.get $r)))
        (local.set $d (f64x2.mul
          (f64x2.sub
            (v128.or (v128.and (local.get $r) (v128.const i64x2 0xffffffff 0xffffffff))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000))
            (v128.or (i64x2.shr_u (local.get $r) (i32.const 32))
              (v128.const i64x2 0x4330000000000000 0x4330000000000000)))
          (v128.const f64x2 0x1p-32 0x1p-32)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $samples))))
        (local.set $x (v128.and (local.get $x)
          (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
        (local.set $q (f64x2.floor (f64x2.add
          (f64x2.add (f64x2.mul (local.get $x) (local.get $scale)) (local.get $d))
          (v128.const f64x2 0.5 0.5))))
        (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
        (v128.store64_lane align=4 0 (local.get $samples)
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
))
    (i32.store offset=0 (i32.const 0) (local.get $s0))
    (i32.store offset=4 (i32.const 0) (local.get $s1))
    (i32.store offset=8 (i32.const 0) (local.get $s2))
    (i32.store offset=12 (i32.const 0) (local.get $s3))
  )

  ;; Plain rounding of $count samples, two per vector (an odd last one with the spare).
  (func $none (param $samples i32) (param $count i32)
    (local $end i32) (local $x v128) (local $q v128) (local $d v128)
    (local $scale v128) (local $inverse v128) (local $top v128) (local $bottom v128)
    (local.set $scale (v128.load64_splat offset=16 (i32.const 0)))
    (local.set $inverse (v128.load64_splat offset=24 (i32.const 0)))
    (local.set $top (v128.load64_splat offset=32 (i32.const 0)))
    (local.set $bottom (v128.load64_splat offset=40 (i32.const 0)))
    (local.set $end (i32.add (local.get $samples) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $d (v128.const f64x2 0 0))
    (loop $pairs
      (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $samples))))
      (local.set $x (v128.and (local.get $x)
        (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
      (local.set $q (f64x2.floor (f64x2.add
        (f64x2.add (f64x2.mul (local.get $x) (local.get $scale)) (local.get $d))
        (v128.const f64x2 0.5 0.5))))
      (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
      (v128.store64_lane align=4 0 (local.get $samples)
        (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
      (local.set $samples (i32.add (local.get $samples) (i32.const 8)))
      (br_if $pairs (i32.lt_u (local.get $samples) (local.get $end)))))

  ;; $steps (even) generator steps from the state at 0, saved back after; s1 of step k goes to
  ;; 192 + 4k. Eight steps per iteration, then the rest one at a time.
  (func $draw (param $steps i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $t i32)
    (local $p i32) (local $end i32)
    (local.set $s0 (i32.load offset=0 (i32.const 0)))
    (local.set $s1 (i32.load offset=4 (i32.const 0)))
    (local.set $s2 (i32.load offset=8 (i32.const 0)))
    (local.set $s3 (i32.load offset=12 (i32.const 0)))
    (local.set $p (i32.const 192))
    (local.set $end (i32.add (i32.const 192) (i32.shl (i32.and (local.get $steps) (i32.const -8)) (i32.const 2))))
    (block $whole
      (loop $eight
        (br_if $whole (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store offset=0 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=4 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=8 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=12 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=16 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=20 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=24 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (i32.store offset=28 (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $eight)))
    (local.set $end (i32.add (i32.const 192) (i32.shl (local.get $steps) (i32.const 2))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store (local.get $p) (local.get $s1))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $one)))
    (i32.store offset=0 (i32.const 0) (local.get $s0))
    (i32.store offset=4 (i32.const 0) (local.get $s1))
    (i32.store offset=8 (i32.const 0) (local.get $s2))
    (i32.store offset=12 (i32.const 0) (local.get $s3))
  )

  ;; Noise-shaped, left in lane 0 and right in lane 1, from the draws at 192: the left channel's
  ;; steps 2i, 2i + 1 at 192 + 8i, the right channel's at 192 + 8 (frames + i). Mono: the right
  ;; lane reads and writes the zero sample at 176 and takes the zero words there as its draws
  ;; (d = 0), so its output and error stay exactly 0.
  (func $shaped (param $frames i32) (param $channels i32) (param $samples i32)
    (local $left i32) (local $right i32) (local $rightStep i32)
    (local $end i32) (local $dl i32) (local $dr i32) (local $drStep i32)
    (local $x v128) (local $w v128) (local $q v128) (local $e v128) (local $d v128) (local $r v128)
    (local $scale v128) (local $inverse v128) (local $top v128) (local $bottom v128)
    (local $h0 v128) (local $h1 v128) (local $h2 v128) (local $h3 v128) (local $h4 v128)
    (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128) (local $e5 v128)
    (local.set $scale (v128.load64_splat offset=16 (i32.const 0)))
    (local.set $inverse (v128.load64_splat offset=24 (i32.const 0)))
    (local.set $top (v128.load64_splat offset=32 (i32.const 0)))
    (local.set $bottom (v128.load64_splat offset=40 (i32.const 0)))
    (local.set $h0 (v128.load64_splat offset=48 (i32.const 0)))
    (local.set $h1 (v128.load64_splat offset=56 (i32.const 0)))
    (local.set $h2 (v128.load64_splat offset=64 (i32.const 0)))
    (local.set $h3 (v128.load64_splat offset=72 (i32.const 0)))
    (local.set $h4 (v128.load64_splat offset=80 (i32.const 0)))
    (local.set $e1 (v128.load offset=96 (i32.const 0)))
    (local.set $e2 (v128.load offset=112 (i32.const 0)))
    (local.set $e3 (v128.load offset=128 (i32.const 0)))
    (local.set $e4 (v128.load offset=144 (i32.const 0)))
    (local.set $e5 (v128.load offset=160 (i32.const 0)))
    (local.set $left (local.get $samples))
    (local.set $end (i32.add (local.get $samples) (i32.shl (local.get $frames) (i32.const 2))))
    (local.set $dl (i32.const 192))
    (if (i32.eq (local.get $channels) (i32.const 2))
      (then
        (local.set $right (local.get $end))
        (local.set $rightStep (i32.const 4))
        (local.set $dr (i32.add (i32.const 192) (i32.shl (local.get $frames) (i32.const 3))))
        (local.set $drStep (i32.const 8)))
      (else
        (local.set $right (i32.const 176))
        (local.set $dr (i32.const 176))))
    (loop $frame
      (local.set $x (f64x2.promote_low_f32x4
        (v128.load32_lane 1 (local.get $right) (v128.load32_zero (local.get $left)))))
      (local.set $x (v128.and (local.get $x)
        (f64x2.eq (f64x2.sub (local.get $x) (local.get $x)) (v128.const f64x2 0 0))))
      (local.set $w (f64x2.sub (f64x2.mul (local.get $x) (local.get $scale))
        (f64x2.add
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $h0) (local.get $e1)) (f64x2.mul (local.get $h1) (local.get $e2)))
              (f64x2.mul (local.get $h2) (local.get $e3)))
            (f64x2.mul (local.get $h3) (local.get $e4)))
          (f64x2.mul (local.get $h4) (local.get $e5)))))
      ;; Four stored words: steps 2i, 2i + 1 of the left channel, then of the right.
      (local.set $r (v128.load64_lane 1 (local.get $dr) (v128.load64_zero (local.get $dl))))
      ;; r = rotl(s1 * 5, 7) * 9 in four lanes, wrapping as Math.imul: x * 5 = (x << 2) + x and
      ;; x * 9 = (x << 3) + x modulo 2^32. Then d of lanes (0, 1) and (2, 3).
      (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 2)) (local.get $r)))
      (local.set $r
        (v128.or (i32x4.shl (local.get $r) (i32.const 7)) (i32x4.shr_u (local.get $r) (i32.const 25))))
      (local.set $r (i32x4.add (i32x4.shl (local.get $r) (i32.const 3)) (local.get $r)))
      (local.set $d (f64x2.mul
        (f64x2.sub
          (v128.or (v128.and (local.get $r) (v128.const i64x2 0xffffffff 0xffffffff))
            (v128.const i64x2 0x4330000000000000 0x4330000000000000))
          (v128.or (i64x2.shr_u (local.get $r) (i32.const 32))
            (v128.const i64x2 0x4330000000000000 0x4330000000000000)))
        (v128.const f64x2 0x1p-32 0x1p-32)))
      (local.set $q (f64x2.floor (f64x2.add (f64x2.add (local.get $w) (local.get $d))
        (v128.const f64x2 0.5 0.5))))
      (local.set $q (f64x2.pmax (f64x2.pmin (local.get $q) (local.get $top)) (local.get $bottom)))
      (local.set $x (f32x4.demote_f64x2_zero (f64x2.mul (local.get $q) (local.get $inverse))))
      (v128.store32_lane 0 (local.get $left) (local.get $x))
      (v128.store32_lane 1 (local.get $right) (local.get $x))
      (local.set $e (f64x2.pmax
        (f64x2.pmin (f64x2.sub (local.get $q) (local.get $w)) (v128.const f64x2 1.5 1.5))
        (v128.const f64x2 -1.5 -1.5)))
      (local.set $e5 (local.get $e4))
      (local.set $e4 (local.get $e3))
      (local.set $e3 (local.get $e2))
      (local.set $e2 (local.get $e1))
      (local.set $e1 (local.get $e))
      (local.set $dl (i32.add (local.get $dl) (i32.const 8)))
      (local.set $dr (i32.add (local.get $dr) (local.get $drStep)))
      (local.set $right (i32.add (local.get $right) (local.get $rightStep)))
      (local.set $left (i32.add (local.get $left) (i32.const 4)))
      (br_if $frame (i32.lt_u (local.get $left) (local.get $end))))
    (v128.store offset=96 (i32.const 0) (local.get $e1))
    (v128.store offset=112 (i32.const 0) (local.get $e2))
    (v128.store offset=128 (i32.const 0) (local.get $e3))
    (v128.store offset=144 (i32.const 0) (local.get $e4))
    (v128.store offset=160 (i32.const 0) (local.get $e5))
  )
)
