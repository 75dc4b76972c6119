;; Dynamics kernel: the channel gate, the channel compressor and the multiband compressor's bands
;; (engine/processors/gate.ts, compressor.ts, multiband-compressor.ts; memory layout helpers in
;; dynamics-kernel.ts). One call per block and processor: detector level, peak hold, gain
;; computer, ballistics, gain, multiply.
;;
;; The scalar code it replaces (PeakHold, CompressorCore.computeGains, the gate's loop) is
;; followed operation for operation, with three departures, each measured in the tests
;; (tests/engine/dsp/{peak-hold,gate,compressor,multiband-compressor}.test.ts):
;; - ln() and exp() are evaluated here, each within 1 ulp of Math.log/Math.exp (ln: 3 ulp, 4e-19
;;   absolute, next to 1):
;;   ln(x):  x = m 2^e, m in [sqrt(1/2), sqrt(2)) cut into 128 intervals equal in bits; c the
;;           middle of m's interval (7 significant bits, so m - c is exact), u = (m - c)/c,
;;           |u| < 2^-8; ln(x) = (e ln2_hi + ln(c)) + (ln(1 + u) + e ln2_lo), ln(1 + u) by its
;;           Taylor series to u^6/6 (truncation under 4e-18); 1/c and ln(c) correctly rounded,
;;           from a table the wrapper writes at address 2048.
;;   exp(y): y = (256 k + j) ln2/256 + r, |r| <= ln2/512 (Cody-Waite: ln2/256 split so that
;;           k ln2_hi is exact); exp(y) = 2^k (T_j + T_j q), T_j = 2^(j/256) correctly rounded
;;           (a table the wrapper writes at address 0), q = e^r - 1 by its Taylor series to
;;           r^4/4! (truncation under 4e-17). Valid for y above -708: the processors' arguments
;;           stay above -700 (the compressor's targets are capped, see $targets).
;; - Inside a run of frames with one target the one-pole's value is taken in closed form,
;;   t + c^n (x0 - t), rather than by n rounded steps (see $ballisticsLoop).
;; - The peak hold is a different algorithm with the same output, bit for bit ($hold).
;; Gains stay within 1e-11 dB of the scalar code's (measured 1e-12 .. 1e-11); the tests find the
;; float32 output of all three processors identical to the scalar processors'.
;;
;; Exact shortcuts: ln runs only where the held level changed (a held peak is piecewise
;; constant); a block whose levels give one target while the one-pole sits at that target's
;; fixed point (gate open, below the knee, settled reduction) runs neither ln nor exp and
;; multiplies by one constant, the scalar code's own value, or leaves the audio alone when that
;; constant is exactly 1.
;;
;; Why passes (level, hold, law, ballistics with exp, multiply) and not one loop per sample:
;; ln and exp are long dependency chains; in one loop with the serial one-pole they filled the
;; scheduler and the loop ran at their latency.
;; V8 (TurboFan) findings: it rebuilds a v128.const in a loop on every iteration (three
;; shuffle-port instructions), so constants are mutable globals; it schedules a pure value
;; computed before a loop (a splat, a division of two settings, a comparison) into the loop
;; body, so loop invariants come from loads or parameters; with 16 vector registers, constants
;; held in locals made it spill the one-pole's state, so the hot loop reads them where used.
;;
;; Exports take only i32 (addresses, counts, flags); doubles travel through memory.
(module
  (import "env" "memory" (memory 1))

  (global $ONE (mut v128) (v128.const f64x2 1 1))
  (global $ZERO (mut v128) (v128.const i64x2 0 0))
  (global $NAN (mut v128) (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000))
  (global $SQRT_HALF_BITS (mut v128) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd))
  (global $SHIFTER (mut v128) (v128.const f64x2 0x1.8p52 0x1.8p52))
  (global $LN2_HI (mut v128) (v128.const f64x2 0x1.62e42ffp-1 0x1.62e42ffp-1))
  (global $LN2_LO (mut v128) (v128.const f64x2 -0x1.718432a1b0e26p-35 -0x1.718432a1b0e26p-35))
  ;; ln: the interval bits of the reduced mantissa, its middle, and -1/2, 1/3, -1/4, 1/5, -1/6
  (global $L_INTERVAL (mut v128) (v128.const i64x2 0x000fe00000000000 0x000fe00000000000))
  (global $L_MIDDLE (mut v128) (v128.const i64x2 0x0000100000000000 0x0000100000000000))
  (global $L2 (mut v128) (v128.const f64x2 -0x1p-1 -0x1p-1))
  (global $L3 (mut v128) (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2))
  (global $L4 (mut v128) (v128.const f64x2 -0x1p-2 -0x1p-2))
  (global $L5 (mut v128) (v128.const f64x2 0x1.999999999999ap-3 0x1.999999999999ap-3))
  (global $L6 (mut v128) (v128.const f64x2 -0x1.5555555555555p-3 -0x1.5555555555555p-3))
  ;; exp: 256/ln2, ln2/256 (hi: 29 significant bits, lo), 1/n! for n = 2 .. 4
  (global $X_SCALE (mut v128) (v128.const f64x2 0x1.71547652b82fep8 0x1.71547652b82fep8))
  (global $X_LN2_HI (mut v128) (v128.const f64x2 0x1.62e42ffp-9 0x1.62e42ffp-9))
  (global $X_LN2_LO (mut v128) (v128.const f64x2 -0x1.718432a1b0e26p-43 -0x1.718432a1b0e26p-43))
  (global $X2 (mut v128) (v128.const f64x2 0x1p-1 0x1p-1))
  (global $X3 (mut v128) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3))
  (global $X4 (mut v128) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5))
  (global $EXPONENT_MASK (mut v128) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))
  (global $INDEX_MASK (mut v128) (v128.const i64x2 255 255))
  ;; Largest compressor target (dB): keeps every exp argument above -700 (see $targets).
  (global $MAX_TARGET (mut v128) (v128.const f64x2 6000 6000))
  ;; 20/ln(10): ln -> dB
  (global $LN_TO_DB (mut v128) (v128.const f64x2 8.685889638065035 8.685889638065035))

  ;; ---------------------------------------------------------------- peak hold
  ;; Sliding maximum with the semantics of PeakHold (engine/dsp/peak-hold.ts): a level is alive
  ;; at time t while t - s < window at every step since it arrived, so the alive levels are
  ;; those from A(t) = max over i <= t of (i - window_i + 1) to t; the output is their maximum.
  ;; Levels are >= 0 (0 is the empty maximum).
  ;;
  ;; Time is cut into segments of 64 samples. When A and t are in different segments, held(t) =
  ;; max(suffix maximum of A's segment from A, maximum of the complete segments strictly
  ;; between, prefix maximum of t's segment): the suffix maxima of a segment are written when it
  ;; completes, the segment maxima sit in a monotonic deque touched once per segment. Otherwise
  ;; (windows under 64 samples) the maximum of raw[A .. t] directly. Work per sample is a few
  ;; operations without data-dependent branches; per block it is bounded (no O(window) rebuild).
  ;; The frames go in runs inside which t's segment and A's segment stay the same.
  ;;
  ;; Hold state at $h (bytes): 0 i64 time | 8 i64 A | 16 f64 prefix max | 24 f64 between max |
  ;; 32 i64 A's segment | 40 i32 deque head | 44 i32 deque size | 48 i32 window | 52 i32 ring
  ;; mask | 56 i32 raw ring | 60 i32 suffix ring | 64 i32 deque | 68 i32 deque mask. Rings of
  ;; (mask + 1) f64 >= window + 64; deque entries (i64 segment, f64 max). Reset: bytes 0 .. 47.

  ;; Drops deque entries of segments up to A's; the between maximum is then the front's.
  (func $holdFront (param $h i32)
    (local $head i32) (local $size i32) (local $dq i32) (local $dmask i32) (local $ca i64)
    (local.set $head (i32.load offset=40 (local.get $h)))
    (local.set $size (i32.load offset=44 (local.get $h)))
    (local.set $dq (i32.load offset=64 (local.get $h)))
    (local.set $dmask (i32.load offset=68 (local.get $h)))
    (local.set $ca (i64.load offset=32 (local.get $h)))
    (block $popped
      (loop $pop
        (br_if $popped (i32.eqz (local.get $size)))
        (br_if $popped (i64.gt_s
          (i64.load (i32.add (local.get $dq) (i32.shl (local.get $head) (i32.const 4))))
          (local.get $ca)))
        (local.set $head (i32.and (i32.add (local.get $head) (i32.const 1)) (local.get $dmask)))
        (local.set $size (i32.sub (local.get $size) (i32.const 1)))
        (br $pop)))
    (i32.store offset=40 (local.get $h) (local.get $head))
    (i32.store offset=44 (local.get $h) (local.get $size))
    (f64.store offset=24 (local.get $h)
      (if (result f64) (local.get $size)
        (then (f64.load offset=8 (i32.add (local.get $dq) (i32.shl (local.get $head) (i32.const 4)))))
        (else (f64.const 0)))))

  ;; The segment ending at $end is complete: its suffix maxima, its maximum into the deque.
  (func $holdSegment (param $h i32) (param $end i64)
    (local $m v128) (local $x v128) (local $low v128) (local $ptr i32) (local $first i32) (local $raw i32) (local $suf i32)
    (local $head i32) (local $size i32) (local $dq i32) (local $dmask i32) (local $at i32)
    (local.set $raw (i32.load offset=56 (local.get $h)))
    (local.set $suf (i32.load offset=60 (local.get $h)))
    (local.set $first (i32.shl (i32.and (i32.wrap_i64 (i64.sub (local.get $end) (i64.const 63)))
      (i32.load offset=52 (local.get $h))) (i32.const 3)))
    ;; Backwards two at a time, (max(x0, x1), x1) then with the maximum so far, in two chains:
    ;; the upper half, and the lower half on its own (then raised to the upper half's maximum).
    (local.set $ptr (i32.add (local.get $first) (i32.const 240)))
    (local.set $m (v128.const i64x2 0 0))
    (local.set $low (v128.const i64x2 0 0))
    (loop $suffix
      (local.set $x (v128.load offset=256 align=8 (i32.add (local.get $raw) (local.get $ptr))))
      (local.set $m (f64x2.pmax (local.get $m) (f64x2.pmax (local.get $x)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $x) (global.get $ZERO)))))
      (v128.store offset=256 align=8 (i32.add (local.get $suf) (local.get $ptr)) (local.get $m))
      (local.set $m (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m)))
      (local.set $x (v128.load align=8 (i32.add (local.get $raw) (local.get $ptr))))
      (local.set $low (f64x2.pmax (local.get $low) (f64x2.pmax (local.get $x)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $x) (global.get $ZERO)))))
      (v128.store align=8 (i32.add (local.get $suf) (local.get $ptr)) (local.get $low))
      (local.set $low (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $low) (local.get $low)))
      (local.set $ptr (i32.sub (local.get $ptr) (i32.const 16)))
      (br_if $suffix (i32.ge_s (local.get $ptr) (local.get $first))))
    (local.set $ptr (local.get $first))
    (loop $raise
      (v128.store align=8 (i32.add (local.get $suf) (local.get $ptr))
        (f64x2.pmax (local.get $m) (v128.load align=8 (i32.add (local.get $suf) (local.get $ptr)))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
      (br_if $raise (i32.lt_s (local.get $ptr) (i32.add (local.get $first) (i32.const 256)))))
    (local.set $m (f64x2.pmax (local.get $m) (local.get $low)))
    (local.set $head (i32.load offset=40 (local.get $h)))
    (local.set $size (i32.load offset=44 (local.get $h)))
    (local.set $dq (i32.load offset=64 (local.get $h)))
    (local.set $dmask (i32.load offset=68 (local.get $h)))
    (block $trimmed
      (loop $trim
        (br_if $trimmed (i32.eqz (local.get $size)))
        (br_if $trimmed (f64.gt
          (f64.load offset=8 (i32.add (local.get $dq) (i32.shl
            (i32.and (i32.add (local.get $head) (i32.sub (local.get $size) (i32.const 1))) (local.get $dmask))
            (i32.const 4))))
          (f64x2.extract_lane 0 (local.get $m))))
        (local.set $size (i32.sub (local.get $size) (i32.const 1)))
        (br $trim)))
    (local.set $at (i32.add (local.get $dq) (i32.shl
      (i32.and (i32.add (local.get $head) (local.get $size)) (local.get $dmask)) (i32.const 4))))
    (i64.store (local.get $at) (i64.shr_s (local.get $end) (i64.const 6)))
    (v128.store64_lane offset=8 0 (local.get $at) (local.get $m))
    (i32.store offset=44 (local.get $h) (i32.add (local.get $size) (i32.const 1)))
    ;; The new segment counts as "between" only once A has left it.
    (call $holdFront (local.get $h))
    (f64.store offset=16 (local.get $h) (f64.const 0)))

  (func $hold (export "hold") (param $h i32) (param $lev i32) (param $frames i32)
    (local $t i64) (local $a i64) (local $ca i64) (local $w i64) (local $cand i64) (local $s i64)
    (local $p v128) (local $mid v128) (local $x v128) (local $held v128) (local $fixed v128)
    (local $i i32) (local $n i32) (local $c1 i32) (local $k i32) (local $mask i32) (local $raw i32)
    (local $suf i32) (local $levPtr i32) (local $rawPtr i32) (local $sufPtr i32)
    (local.set $t (i64.load offset=0 (local.get $h)))
    (local.set $a (i64.load offset=8 (local.get $h)))
    (local.set $p (v128.load64_splat offset=16 (local.get $h)))
    (local.set $mid (v128.load64_splat offset=24 (local.get $h)))
    (local.set $ca (i64.load offset=32 (local.get $h)))
    (local.set $w (i64.extend_i32_s (i32.load offset=48 (local.get $h))))
    (local.set $mask (i32.load offset=52 (local.get $h)))
    (local.set $raw (i32.load offset=56 (local.get $h)))
    (local.set $suf (i32.load offset=60 (local.get $h)))
    (block $done
      (loop $run
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $cand (i64.sub (local.get $t) (i64.sub (local.get $w) (i64.const 1))))
        (if (i64.gt_s (local.get $cand) (local.get $a)) (then (local.set $a (local.get $cand))))
        (if (i64.ne (i64.shr_s (local.get $a) (i64.const 6)) (local.get $ca))
          (then
            (local.set $ca (i64.shr_s (local.get $a) (i64.const 6)))
            (i64.store offset=32 (local.get $h) (local.get $ca))
            (call $holdFront (local.get $h))
            (local.set $mid (v128.load64_splat offset=24 (local.get $h)))))
        (local.set $levPtr (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $rawPtr (i32.add (local.get $raw)
          (i32.shl (i32.and (i32.wrap_i64 (local.get $t)) (local.get $mask)) (i32.const 3))))
        (if (i64.eq (local.get $ca) (i64.shr_s (local.get $t) (i64.const 6)))
          (then
            ;; A in t's segment (a window under a segment, or just after a reset): one sample.
            (local.set $x (v128.load64_splat (local.get $levPtr)))
            (v128.store64_lane 0 (local.get $rawPtr) (local.get $x))
            (local.set $p (f64x2.pmax (local.get $p) (local.get $x)))
            (if (i64.eq (local.get $a) (i64.and (local.get $t) (i64.const -64)))
              (then (local.set $held (local.get $p)))
              (else
                (local.set $held (v128.const i64x2 0 0))
                (local.set $s (local.get $a))
                (loop $scan
                  (local.set $held (f64x2.pmax (local.get $held)
                    (v128.load64_splat (i32.add (local.get $raw)
                      (i32.shl (i32.and (i32.wrap_i64 (local.get $s)) (local.get $mask)) (i32.const 3))))))
                  (local.set $s (i64.add (local.get $s) (i64.const 1)))
                  (br_if $scan (i64.le_s (local.get $s) (local.get $t))))))
            (v128.store64_lane 0 (local.get $levPtr) (local.get $held))
            (local.set $t (i64.add (local.get $t) (i64.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else
            ;; A run: to the end of t's segment, of the block, or until A leaves its segment.
            (local.set $n (i32.sub (i32.const 64) (i32.and (i32.wrap_i64 (local.get $t)) (i32.const 63))))
            (local.set $k (i32.sub (local.get $frames) (local.get $i)))
            (if (i32.lt_s (local.get $k) (local.get $n)) (then (local.set $n (local.get $k))))
            (local.set $k (i32.wrap_i64 (i64.sub
              (i64.add (i64.shl (i64.add (local.get $ca) (i64.const 1)) (i64.const 6)) (i64.sub (local.get $w) (i64.const 1)))
              (local.get $t))))
            (if (i32.lt_s (local.get $k) (local.get $n)) (then (local.set $n (local.get $k))))
            ;; While A stays where it is (the window catching up after it grew).
            (local.set $c1 (i32.wrap_i64 (i64.sub (i64.add (local.get $a) (local.get $w)) (local.get $t))))
            (if (i32.lt_s (local.get $n) (local.get $c1)) (then (local.set $c1 (local.get $n))))
            (local.set $fixed (f64x2.pmax (local.get $mid) (v128.load64_splat (i32.add (local.get $suf)
              (i32.shl (i32.and (i32.wrap_i64 (local.get $a)) (local.get $mask)) (i32.const 3))))))
            ;; Two frames per step: the prefix maximum of the pair (x0, max(x0, x1)), then with p.
            (local.set $k (i32.const 0))
            (block $stillDone
              (loop $still
                (br_if $stillDone (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $c1)))
                (local.set $x (v128.load align=8 (local.get $levPtr)))
                (v128.store align=8 (local.get $rawPtr) (local.get $x))
                (local.set $held (f64x2.pmax (local.get $p) (f64x2.pmax (local.get $x)
                  (i8x16.shuffle 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 (local.get $x) (global.get $ZERO)))))
                (v128.store align=8 (local.get $levPtr) (f64x2.pmax (local.get $fixed) (local.get $held)))
                (local.set $p (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $held) (local.get $held)))
                (local.set $levPtr (i32.add (local.get $levPtr) (i32.const 16)))
                (local.set $rawPtr (i32.add (local.get $rawPtr) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $still)))
            (if (i32.lt_s (local.get $k) (local.get $c1))
              (then
                (local.set $x (v128.load64_splat (local.get $levPtr)))
                (v128.store64_lane 0 (local.get $rawPtr) (local.get $x))
                (local.set $p (f64x2.pmax (local.get $p) (local.get $x)))
                (v128.store64_lane 0 (local.get $levPtr) (f64x2.pmax (local.get $fixed) (local.get $p)))
                (local.set $levPtr (i32.add (local.get $levPtr) (i32.const 8)))
                (local.set $rawPtr (i32.add (local.get $rawPtr) (i32.const 8)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))))
            (local.set $t (i64.add (local.get $t) (i64.extend_i32_s (local.get $c1))))
            ;; Then A = t - window + 1, moving through its segment with t.
            (if (i32.lt_s (local.get $c1) (local.get $n))
              (then
                (local.set $sufPtr (i32.add (local.get $suf) (i32.shl (i32.and
                  (i32.wrap_i64 (i64.sub (local.get $t) (i64.sub (local.get $w) (i64.const 1))))
                  (local.get $mask)) (i32.const 3))))
                (block $slidingDone
                  (loop $sliding
                    (br_if $slidingDone (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $n)))
                    (local.set $x (v128.load align=8 (local.get $levPtr)))
                    (v128.store align=8 (local.get $rawPtr) (local.get $x))
                    (local.set $held (f64x2.pmax (local.get $p) (f64x2.pmax (local.get $x)
                      (i8x16.shuffle 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 (local.get $x) (global.get $ZERO)))))
                    (v128.store align=8 (local.get $levPtr) (f64x2.pmax
                      (f64x2.pmax (local.get $mid) (v128.load align=8 (local.get $sufPtr)))
                      (local.get $held)))
                    (local.set $p (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $held) (local.get $held)))
                    (local.set $levPtr (i32.add (local.get $levPtr) (i32.const 16)))
                    (local.set $rawPtr (i32.add (local.get $rawPtr) (i32.const 16)))
                    (local.set $sufPtr (i32.add (local.get $sufPtr) (i32.const 16)))
                    (local.set $k (i32.add (local.get $k) (i32.const 2)))
                    (br $sliding)))
                (if (i32.lt_s (local.get $k) (local.get $n))
                  (then
                    (local.set $x (v128.load64_splat (local.get $levPtr)))
                    (v128.store64_lane 0 (local.get $rawPtr) (local.get $x))
                    (local.set $p (f64x2.pmax (local.get $p) (local.get $x)))
                    (v128.store64_lane 0 (local.get $levPtr) (f64x2.pmax
                      (f64x2.pmax (local.get $mid) (v128.load64_splat (local.get $sufPtr)))
                      (local.get $p)))
                    (local.set $levPtr (i32.add (local.get $levPtr) (i32.const 8)))
                    (local.set $rawPtr (i32.add (local.get $rawPtr) (i32.const 8)))
                    (local.set $sufPtr (i32.add (local.get $sufPtr) (i32.const 8)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))))
                (local.set $t (i64.add (local.get $t) (i64.extend_i32_s (i32.sub (local.get $n) (local.get $c1)))))
                (local.set $a (i64.sub (local.get $t) (local.get $w)))))
            (local.set $i (i32.add (local.get $i) (local.get $n)))))
        (if (i64.eqz (i64.and (local.get $t) (i64.const 63)))
          (then
            (f64.store offset=16 (local.get $h) (f64x2.extract_lane 0 (local.get $p)))
            (call $holdSegment (local.get $h) (i64.sub (local.get $t) (i64.const 1)))
            (local.set $p (v128.const i64x2 0 0))
            (local.set $mid (v128.load64_splat offset=24 (local.get $h)))))
        (br $run)))
    (i64.store offset=0 (local.get $h) (local.get $t))
    (i64.store offset=8 (local.get $h) (local.get $a))
    (v128.store64_lane offset=16 0 (local.get $h) (local.get $p)))

  ;; ---------------------------------------------------------------- detector levels
  ;; lev[i] = max(|left[i]|, |right[i]|) (stereo) or |left[i]|, as f64; four frames per step,
  ;; rounded up (the buffers have padding).
  (func $peakF32 (param $left i32) (param $right i32) (param $lev i32) (param $frames i32)
    (param $stereo i32)
    (local $i i32) (local $a v128) (local $out i32)
    (block $done
      (loop $quad
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $a (f32x4.abs (v128.load align=4
          (i32.add (local.get $left) (i32.shl (local.get $i) (i32.const 2))))))
        (if (local.get $stereo)
          (then (local.set $a (f32x4.pmax (local.get $a) (f32x4.abs (v128.load align=4
            (i32.add (local.get $right) (i32.shl (local.get $i) (i32.const 2)))))))))
        (local.set $out (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3))))
        (v128.store align=8 (local.get $out) (f64x2.promote_low_f32x4 (local.get $a)))
        (v128.store offset=16 align=8 (local.get $out) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a) (local.get $a))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad))))



  ;; The side chain from the float32 block to detector levels, frame by frame with left and right
  ;; in the lanes (right 0 in mono): the high-pass when $flags & 4, runBiquad32To64's arithmetic
  ;; per lane,
  ;;   y = b0 x + s1;  s1 = (b1 x - a1 y) + s2;  s2 = b2 x - a2 y,
  ;; then the level: $flags & 2, the mean square per lane, ms += k (y^2 - ms), level = msL > msR
  ;; ? msL : msR; else max(|yL|, |yR|). State flushed below the threshold per block.
  ;; det (f64): 0 b0 | 1 b1 | 2 b2 | 3 a1 | 4 a2 | 5 mean-square coef | 6 flush threshold |
  ;; 8, 9 s1 (L, R) | 10, 11 s2 | 12, 13 mean square (L, R).
  ;; One loop: the filter's and the mean square's recurrences are serial, the rest rides along.
  (func $sideChain (param $det i32) (param $left i32) (param $right i32) (param $lev i32)
    (param $frames i32) (param $stereo i32) (param $flags i32)
    (local $i i32) (local $x v128) (local $y v128) (local $hpf i32) (local $rms i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $a1 v128) (local $a2 v128)
    (local $s1 v128) (local $s2 v128) (local $ms v128) (local $k v128) (local $limit v128)
    (local.set $hpf (i32.and (local.get $flags) (i32.const 4)))
    (local.set $rms (i32.and (local.get $flags) (i32.const 2)))
    (local.set $b0 (v128.load64_splat offset=0 (local.get $det)))
    (local.set $b1 (v128.load64_splat offset=8 (local.get $det)))
    (local.set $b2 (v128.load64_splat offset=16 (local.get $det)))
    (local.set $a1 (v128.load64_splat offset=24 (local.get $det)))
    (local.set $a2 (v128.load64_splat offset=32 (local.get $det)))
    (local.set $k (v128.load64_splat offset=40 (local.get $det)))
    (local.set $limit (v128.load64_splat offset=48 (local.get $det)))
    (local.set $s1 (v128.load offset=64 align=8 (local.get $det)))
    (local.set $s2 (v128.load offset=80 align=8 (local.get $det)))
    (local.set $ms (v128.load offset=96 align=8 (local.get $det)))
    (block $done
      (loop $frame
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $x (f64x2.promote_low_f32x4 (f32x4.replace_lane 1
          (v128.load32_zero (i32.add (local.get $left) (i32.shl (local.get $i) (i32.const 2))))
          (select (f32.load (i32.add (local.get $right) (i32.shl (local.get $i) (i32.const 2))))
            (f32.const 0) (local.get $stereo)))))
        (local.set $y (local.get $x))
        (if (local.get $hpf)
          (then
            (local.set $y (f64x2.add (f64x2.mul (local.get $b0) (local.get $x)) (local.get $s1)))
            (local.set $s1 (f64x2.add
              (f64x2.sub (f64x2.mul (local.get $b1) (local.get $x)) (f64x2.mul (local.get $a1) (local.get $y)))
              (local.get $s2)))
            (local.set $s2 (f64x2.sub (f64x2.mul (local.get $b2) (local.get $x)) (f64x2.mul (local.get $a2) (local.get $y))))))
        (if (local.get $rms)
          (then
            (local.set $ms (f64x2.add (local.get $ms) (f64x2.mul (local.get $k)
              (f64x2.sub (f64x2.mul (local.get $y) (local.get $y)) (local.get $ms)))))
            (local.set $y (local.get $ms)))
          (else (local.set $y (f64x2.abs (local.get $y)))))
        (v128.store64_lane 0 (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3)))
          (f64x2.pmax (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $y) (local.get $y))
            (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frame)))
    (v128.store offset=64 align=8 (local.get $det)
      (v128.andnot (local.get $s1) (f64x2.lt (f64x2.abs (local.get $s1)) (local.get $limit))))
    (v128.store offset=80 align=8 (local.get $det)
      (v128.andnot (local.get $s2) (f64x2.lt (f64x2.abs (local.get $s2)) (local.get $limit))))
    (v128.store offset=96 align=8 (local.get $det)
      (v128.andnot (local.get $ms) (f64x2.lt (local.get $ms) (local.get $limit)))))

  ;; lev[i] = max(|L|, |R|) of pairs[i] (a multiband band), two frames per step (pairs padded).
  (func $peakPairs (param $pairs i32) (param $lev i32) (param $frames i32)
    (local $i i32) (local $u v128) (local $v v128) (local $ptr i32)
    (block $done
      (loop $two
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $ptr (i32.add (local.get $pairs) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $u (f64x2.abs (v128.load align=8 (local.get $ptr))))
        (local.set $v (f64x2.abs (v128.load offset=16 align=8 (local.get $ptr))))
        (v128.store align=8 (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3)))
          (f64x2.pmax
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $two))))


  ;; ---------------------------------------------------------------- ln, exp
  ;; ---------------------------------------------------------------- gain multiply
  ;; io[i] = f32(io[i] * gains[i]) on one channel, four frames per step, then one at a time.
  (func $apply (param $io i32) (param $gains i32) (param $frames i32)
    (local $i i32) (local $n4 i32) (local $x v128) (local $ptr i32) (local $g i32)
    (local.set $n4 (i32.and (local.get $frames) (i32.const -4)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_s (local.get $i) (local.get $n4)))
        (local.set $ptr (i32.add (local.get $io) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $g (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $x (v128.load align=4 (local.get $ptr)))
        (v128.store align=4 (local.get $ptr)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x))
              (v128.load align=8 (local.get $g))))
            (f32x4.demote_f64x2_zero (f64x2.mul
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
              (v128.load offset=16 align=8 (local.get $g))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $ptr (i32.add (local.get $io) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $ptr) (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (local.get $ptr)))
          (f64.load (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; io[i] = f32(io[i] * gain) on one channel: the gain at address $gain.
  (func $applyConstant (param $io i32) (param $gain i32) (param $frames i32)
    (local $i i32) (local $n4 i32) (local $x v128) (local $g v128) (local $ptr i32)
    (local.set $g (v128.load64_splat (local.get $gain)))
    (local.set $n4 (i32.and (local.get $frames) (i32.const -4)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_s (local.get $i) (local.get $n4)))
        (local.set $ptr (i32.add (local.get $io) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $x (v128.load align=4 (local.get $ptr)))
        (v128.store align=4 (local.get $ptr)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (local.get $g)))
            (f32x4.demote_f64x2_zero (f64x2.mul
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
              (local.get $g)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $ptr (i32.add (local.get $io) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $ptr) (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (local.get $ptr)))
          (f64x2.extract_lane 0 (local.get $g)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; gains[0 .. frames) = the value at $value (two per step; gains padded).
  (func $fill (param $gains i32) (param $value i32) (param $frames i32)
    (local $i i32) (local $g v128)
    (local.set $g (v128.load64_splat (local.get $value)))
    (block $done
      (loop $two
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (v128.store align=8 (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3))) (local.get $g))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $two))))

  ;; min and max of lev[0 .. frames) (frames > 0) into $out, $out + 8.
  (func $range (param $lev i32) (param $frames i32) (param $out i32)
    (local $i i32) (local $lo v128) (local $hi v128) (local $x v128) (local $n2 i32)
    (local.set $lo (v128.load64_splat (local.get $lev)))
    (local.set $hi (local.get $lo))
    (local.set $n2 (i32.and (local.get $frames) (i32.const -2)))
    (block $done
      (loop $two
        (br_if $done (i32.ge_s (local.get $i) (local.get $n2)))
        (local.set $x (v128.load align=8 (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $lo (f64x2.pmin (local.get $lo) (local.get $x)))
        (local.set $hi (f64x2.pmax (local.get $hi) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $two)))
    (if (i32.lt_s (local.get $i) (local.get $frames))
      (then
        (local.set $x (v128.load64_splat (i32.add (local.get $lev) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $lo (f64x2.pmin (local.get $lo) (local.get $x)))
        (local.set $hi (f64x2.pmax (local.get $hi) (local.get $x)))))
    (f64.store offset=0 (local.get $out) (f64.min
      (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
    (f64.store offset=8 (local.get $out) (f64.max
      (f64x2.extract_lane 0 (local.get $hi)) (f64x2.extract_lane 1 (local.get $hi)))))

  ;; With an odd frame count, buf[frames] = buf[frames - 1]: the last pair then holds the last
  ;; frame in both lanes (the caches read lane 1).
  (func $padOdd (param $buf i32) (param $frames i32)
    (if (i32.and (local.get $frames) (i32.const 1))
      (then (f64.store (i32.add (local.get $buf) (i32.shl (local.get $frames) (i32.const 3)))
        (f64.load (i32.add (local.get $buf) (i32.shl (i32.sub (local.get $frames) (i32.const 1)) (i32.const 3))))))))

  ;; ---------------------------------------------------------------- gains
  ;; Slots (f64) shared by the compressor core and the gate, at $s:
  ;;   0 attack coef | 1 release coef | 2 ramp step | 3 ramp target | 4 state: gain reduction
  ;;   or attenuation (dB) | 5 ramp | 6 max state x ramp (out) | 7 constant gain (out) |
  ;;   8 make-up | 9 make-up now (gate: both 0) | 10 last level | 11 its target (NaN level
  ;;   after a curve change) | 12, 13 (unused) | 14, 15 exp cache | 16, 17 level range
  ;;   (scratch) | 18 make-up step (scratch) | 19 dB -> ln scale | 20 attack mask (scratch)
  ;; then the curve: compressor 21 threshold | 22 slope | 23 knee | 24 knee start | 25 level
  ;; scale | 26 level offset | 27 knee / 2 | 28 2 knee | 29 -knee; gate 21 threshold dB |
  ;; 22 threshold linear | 23 floor linear | 24 ratio | 25 range | 26 ratio - 1 | 27, 28 (JS);
  ;; then 30, 31 the attack and release coefficients the power tables hold (NaN: none) |
  ;; 32 table size (block frames + 2) | from 33 the attack powers, then the release powers.
  ;;
  ;; held levels at $lev -> linear gains at $lev; $aux and $ramps are scratch of the same size. $gate 0:
  ;; CompressorCore.computeGains, 1: the gate's loop. Returns 1 when every gain of the block is
  ;; the constant at slot 7 (gains not written): ramp settled, make-up unchanged, one target
  ;; for the whole block (levels all below the knee / all open / all under the floor, or all
  ;; equal to the last level seen), the state already at that target's fixed point and its
  ;; gain known. The scalar code's per-sample values are then all equal to those reused.
  (func $dynGains (param $s i32) (param $lev i32) (param $aux i32) (param $ramps i32) (param $frames i32)
    (param $gate i32) (result i32)
    (local $target f64) (local $x0 f64) (local $next f64) (local $y0 f64) (local $g0 f64)
    (local.set $x0 (f64.load offset=32 (local.get $s)))
    (if (i32.le_s (local.get $frames) (i32.const 0))
      (then
        (f64.store offset=32 (local.get $s)
          (select (f64.const 0) (local.get $x0) (f64.lt (local.get $x0) (f64.const 1e-25))))
        (f64.store offset=72 (local.get $s) (f64.load offset=64 (local.get $s)))
        (f64.store offset=48 (local.get $s) (f64.const 0))
        (f64.store offset=56 (local.get $s) (f64.const 1))
        (return (i32.const 1))))
    (if (i32.and
          (f64.eq (f64.load offset=40 (local.get $s)) (f64.load offset=24 (local.get $s)))
          (f64.eq (f64.load offset=72 (local.get $s)) (f64.load offset=64 (local.get $s))))
      (then
        (call $range (local.get $lev) (local.get $frames) (i32.add (local.get $s) (i32.const 128)))
        (block $varying
          (block $found
            (if (local.get $gate)
              (then
                (if (f64.ge (f64.load offset=128 (local.get $s)) (f64.load offset=176 (local.get $s)))
                  (then (local.set $target (f64.const 0)) (br $found)))
                (if (f64.le (f64.load offset=136 (local.get $s)) (f64.load offset=184 (local.get $s)))
                  (then (local.set $target (f64.load offset=200 (local.get $s))) (br $found))))
              (else
                (if (f64.le (f64.load offset=136 (local.get $s)) (f64.load offset=192 (local.get $s)))
                  (then (local.set $target (f64.const 0)) (br $found)))))
            (br_if $varying (i32.eqz (i32.and
              (f64.eq (f64.load offset=128 (local.get $s)) (f64.load offset=136 (local.get $s)))
              (f64.eq (f64.load offset=128 (local.get $s)) (f64.load offset=80 (local.get $s))))))
            (local.set $target (f64.load offset=88 (local.get $s))))
          ;; Attack while the compressor's target is above its reduction, the gate's below.
          (local.set $next
            (f64.add (local.get $target)
              (f64.mul
                (select (f64.load offset=0 (local.get $s)) (f64.load offset=8 (local.get $s))
                  (if (result i32) (local.get $gate)
                    (then (f64.lt (local.get $target) (local.get $x0)))
                    (else (f64.gt (local.get $target) (local.get $x0)))))
                (f64.sub (local.get $x0) (local.get $target)))))
          (br_if $varying (f64.ne (local.get $next) (local.get $x0)))
          (local.set $y0 (f64.mul (f64.load offset=152 (local.get $s))
            (f64.sub (f64.load offset=64 (local.get $s)) (local.get $x0))))
          (if (f64.eq (local.get $y0) (f64.const 0))
            (then (local.set $g0 (f64.const 1)))
            (else
              (br_if $varying (f64.ne (local.get $y0) (f64.load offset=112 (local.get $s))))
              (local.set $g0 (f64.load offset=120 (local.get $s)))))
          (local.set $next (f64.load offset=40 (local.get $s)))
          (f64.store offset=56 (local.get $s)
            (f64.add (f64.const 1) (f64.mul (f64.sub (local.get $g0) (f64.const 1)) (local.get $next))))
          (local.set $next (f64.mul (local.get $x0) (local.get $next)))
          (f64.store offset=48 (local.get $s)
            (select (local.get $next) (f64.const 0) (f64.gt (local.get $next) (f64.const 0))))
          (f64.store offset=32 (local.get $s)
            (select (f64.const 0) (local.get $x0) (f64.lt (local.get $x0) (f64.const 1e-25))))
          (return (i32.const 1)))))
    (call $padOdd (local.get $lev) (local.get $frames))
    (call $targets (local.get $s) (local.get $lev) (local.get $aux) (local.get $frames) (local.get $gate))
    (call $ballistics (local.get $s) (local.get $lev) (local.get $aux) (local.get $ramps)
      (local.get $frames) (local.get $gate))
    (i32.const 0))

  ;; Targets of the held levels at $lev into $aux, two frames per step, computed only for pairs
  ;; other than the last level seen (slots 10, 11: level, target; lane 1 of the last pair
  ;; computed). $mode 0: the compressor's soft-knee curve,
  ;;   x = scale ln(level) + offset; over = x - T;  0 if 2 over <= -W;
  ;;   slope (over + W/2)^2 / (2W) if 2 over < W;  else slope over;  0 if level <= knee start;
  ;;   at most 6000 dB (finite audio stays under about 900; so does every exp argument above
  ;;   -700, and exp needs no clamp: the gate's are above -ln(10)/20 80);
  ;; 1: the gate's law,
  ;;   0 if level >= threshold linear; range if level <= floor linear; else, x = (20/ln10) ln(level):
  ;;   0 if x >= T, else min(range, (T - x)(ratio - 1));
  ;; 2: ln(level) itself (the accuracy test).
  ;; ln: see the kernel's header.
  (func $targets (param $s i32) (param $lev i32) (param $aux i32) (param $frames i32) (param $mode i32)
    (local $i i32) (local $ptr i32) (local $h v128) (local $key v128) (local $value v128)
    (local $e v128) (local $f v128) (local $q v128) (local $z v128) (local $r v128) (local $ln v128)
    (local $over v128) (local $tk v128)
    (local.set $key (v128.load64_splat offset=80 (local.get $s)))
    (local.set $value (v128.load64_splat offset=88 (local.get $s)))
    (block $done
      (loop $two
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $ptr (i32.shl (local.get $i) (i32.const 3)))
        (local.set $h (v128.load align=8 (i32.add (local.get $lev) (local.get $ptr))))
        (if (i32.eqz (i64x2.all_true (f64x2.eq (local.get $h) (local.get $key))))
          (then
            ;; h = m 2^e, m in [sqrt(1/2), sqrt(2)); m's interval j of 128 (equal in bits), with
            ;; its middle c (7 significant bits: m - c is exact) and 1/c, ln(c) from the table.
            (local.set $f (i64x2.sub (local.get $h) (global.get $SQRT_HALF_BITS)))
            (local.set $e (i64x2.shr_s (local.get $f) (i32.const 52)))
            (local.set $z (v128.and (local.get $f) (global.get $L_INTERVAL)))
            (local.set $q (f64x2.sub
              (i64x2.sub (local.get $h) (i64x2.shl (local.get $e) (i32.const 52)))
              (i64x2.add (i64x2.add (local.get $z) (global.get $L_MIDDLE)) (global.get $SQRT_HALF_BITS))))
            (local.set $z (i64x2.shr_u (local.get $z) (i32.const 41)))
            (local.set $r (v128.load64_zero offset=2048 (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $z)))))
            (local.set $r (v128.load64_lane offset=2048 1 (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $z))) (local.get $r)))
            (local.set $ln (v128.load64_zero offset=2056 (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $z)))))
            (local.set $ln (v128.load64_lane offset=2056 1 (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $z))) (local.get $ln)))
            ;; u = (m - c)/c; ln(1 + u) = u + u^2 ((-1/2 + u/3) + u^2 ((-1/4 + u/5) - u^2/6))
            (local.set $q (f64x2.mul (local.get $q) (local.get $r)))
            (local.set $f (f64x2.mul (local.get $q) (local.get $q)))
            (local.set $r (f64x2.add (local.get $q) (f64x2.mul (local.get $f)
              (f64x2.add (f64x2.add (global.get $L2) (f64x2.mul (local.get $q) (global.get $L3)))
                (f64x2.mul (local.get $f)
                  (f64x2.add (f64x2.add (global.get $L4) (f64x2.mul (local.get $q) (global.get $L5)))
                    (f64x2.mul (local.get $f) (global.get $L6))))))))
            ;; ln(h) = (e ln2_hi + ln(c)) + (ln(1 + u) + e ln2_lo), e as a double: 1.5 2^52 + e - 1.5 2^52
            (local.set $e (f64x2.sub (i64x2.add (local.get $e) (global.get $SHIFTER)) (global.get $SHIFTER)))
            (local.set $ln
              (f64x2.add
                (f64x2.add (f64x2.mul (local.get $e) (global.get $LN2_HI)) (local.get $ln))
                (f64x2.add (local.get $r) (f64x2.mul (local.get $e) (global.get $LN2_LO)))))
            (if (i32.eqz (local.get $mode))
              (then
                (local.set $over (f64x2.sub
                  (f64x2.add (f64x2.mul (v128.load64_splat offset=200 (local.get $s)) (local.get $ln))
                    (v128.load64_splat offset=208 (local.get $s)))
                  (v128.load64_splat offset=168 (local.get $s))))
                (local.set $tk (f64x2.add (local.get $over) (v128.load64_splat offset=216 (local.get $s))))
                (local.set $r (f64x2.add (local.get $over) (local.get $over)))
                (local.set $value
                  (v128.and
                    (v128.andnot
                      (v128.bitselect
                        (f64x2.div
                          (f64x2.mul (f64x2.mul (v128.load64_splat offset=176 (local.get $s)) (local.get $tk)) (local.get $tk))
                          (v128.load64_splat offset=224 (local.get $s)))
                        (f64x2.mul (v128.load64_splat offset=176 (local.get $s)) (local.get $over))
                        (f64x2.lt (local.get $r) (v128.load64_splat offset=184 (local.get $s))))
                      (f64x2.le (local.get $r) (v128.load64_splat offset=232 (local.get $s))))
                    (f64x2.gt (local.get $h) (v128.load64_splat offset=192 (local.get $s)))))
                (local.set $value (f64x2.pmin (local.get $value) (global.get $MAX_TARGET))))
              (else
                (if (i32.eq (local.get $mode) (i32.const 1))
                  (then
                    (local.set $ln (f64x2.mul (global.get $LN_TO_DB) (local.get $ln)))
                    (local.set $value
                      (v128.andnot
                        (v128.bitselect
                          (v128.load64_splat offset=200 (local.get $s))
                          (v128.andnot
                            (f64x2.pmin
                              (f64x2.mul (f64x2.sub (v128.load64_splat offset=168 (local.get $s)) (local.get $ln))
                                (v128.load64_splat offset=208 (local.get $s)))
                              (v128.load64_splat offset=200 (local.get $s)))
                            (f64x2.ge (local.get $ln) (v128.load64_splat offset=168 (local.get $s))))
                          (f64x2.le (local.get $h) (v128.load64_splat offset=184 (local.get $s))))
                        (f64x2.ge (local.get $h) (v128.load64_splat offset=176 (local.get $s))))))
                  (else (local.set $value (local.get $ln))))))
            (v128.store align=8 (i32.add (local.get $aux) (local.get $ptr)) (local.get $value))
            (local.set $key (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $h) (local.get $h)))
            (local.set $value (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $value) (local.get $value))))
          (else (v128.store align=8 (i32.add (local.get $aux) (local.get $ptr)) (local.get $value))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $two)))
    (v128.store64_lane offset=80 0 (local.get $s) (local.get $key))
    (v128.store64_lane offset=88 0 (local.get $s) (local.get $value)))

  ;; Targets in $aux -> gains in $lev (exp itself in $aux), frame by frame:
  ;;   x = attack ? t + attack (x - t) : t + release (x - t)     (both computed, a mask picks)
  ;;   attack: t > x for the compressor ($gate 0), t < x for the gate (when t = x both are t)
  ;;   make-up += step;  ramp toward its target;  y = scale (make-up - x)
  ;;   gain = 1 + (exp(y) - 1) ramp;  max of x ramp
  ;; The serial one-pole is a short chain; exp of each pair overlaps the next pair's steps.
  ;; Exported for the accuracy test (attack = release = 0, scale 1: gain exp(-t)).
  (func $ballistics (export "ballistics") (param $s i32) (param $lev i32) (param $aux i32)
    (param $ramps i32) (param $frames i32) (param $gate i32)
    (call $powers (local.get $s))
    (call $rampPass (local.get $s) (local.get $ramps) (local.get $frames))
    (call $ballisticsLoop (local.get $s) (local.get $lev) (local.get $aux) (local.get $ramps)
      (local.get $frames) (local.get $gate)))

  ;; The power tables c^n, n = 0 .. size - 1, of the attack and release coefficients (slots 33
  ;; on and 33 + size on), rebuilt when a coefficient differs from the one they were built for
  ;; (slots 30, 31). By repeated products: c^n within n/2 ulp.
  (func $powers (param $s i32)
    (local $size i32) (local $table i32) (local $which i32) (local $n i32) (local $c f64) (local $p f64)
    (local.set $size (i32.trunc_sat_f64_s (f64.load offset=256 (local.get $s))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $which) (i32.const 2)))
        (local.set $c (f64.load (i32.add (local.get $s) (i32.shl (local.get $which) (i32.const 3)))))
        (if (f64.ne (local.get $c)
              (f64.load offset=240 (i32.add (local.get $s) (i32.shl (local.get $which) (i32.const 3)))))
          (then
            (local.set $table (i32.add (i32.add (local.get $s) (i32.const 264))
              (i32.mul (local.get $which) (i32.shl (local.get $size) (i32.const 3)))))
            (local.set $p (f64.const 1))
            (local.set $n (i32.const 0))
            (block $filled
              (loop $fill
                (br_if $filled (i32.ge_s (local.get $n) (local.get $size)))
                (f64.store (i32.add (local.get $table) (i32.shl (local.get $n) (i32.const 3))) (local.get $p))
                (local.set $p (f64.mul (local.get $p) (local.get $c)))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $fill)))
            (f64.store offset=240 (i32.add (local.get $s) (i32.shl (local.get $which) (i32.const 3)))
              (local.get $c))))
        (local.set $which (i32.add (local.get $which) (i32.const 1)))
        (br $each))))

  ;; The on/off ramp per frame into $ramps (the constant when it is settled), as the scalar code:
  ;;   ramp = ramp == target ? ramp : target > ramp ? min(1, ramp + step) : max(0, ramp - step)
  (func $rampPass (param $s i32) (param $ramps i32) (param $frames i32)
    (local $i i32) (local $ramp v128) (local $rt v128) (local $rs v128)
    (local.set $ramp (v128.load64_splat offset=40 (local.get $s)))
    (if (f64.eq (f64.load offset=40 (local.get $s)) (f64.load offset=24 (local.get $s)))
      (then
        (call $fill (local.get $ramps) (i32.add (local.get $s) (i32.const 40)) (local.get $frames))
        (return)))
    (local.set $rt (v128.load64_splat offset=24 (local.get $s)))
    (local.set $rs (v128.load64_splat offset=16 (local.get $s)))
    (block $done
      (loop $frame
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $ramp
          (v128.bitselect (local.get $ramp)
            (v128.bitselect
              (f64x2.pmin (f64x2.add (local.get $ramp) (local.get $rs)) (global.get $ONE))
              (f64x2.pmax (f64x2.sub (local.get $ramp) (local.get $rs)) (global.get $ZERO))
              (f64x2.gt (local.get $rt) (local.get $ramp)))
            (f64x2.eq (local.get $ramp) (local.get $rt))))
        (v128.store64_lane 0 (i32.add (local.get $ramps) (i32.shl (local.get $i) (i32.const 3))) (local.get $ramp))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frame)))
    (call $padOdd (local.get $ramps) (local.get $frames))
    (v128.store64_lane offset=40 0 (local.get $s) (local.get $ramp)))

  ;; The loop (ramps from $rampPass, powers from $powers). A pair of frames whose targets both
  ;; equal the current run's target t (run start value x0, n frames into the run) takes
  ;;   x_(n+1), x_(n+2) = t + c^(n+1, n+2) (x0 - t)
  ;; (c the run's coefficient: no serial dependence, the exact value of the one-pole rounded
  ;; once or twice; the scalar recurrence rounds at every frame, so the two part by rounding,
  ;; bounded well under 1e-9 dB: tests). Any other pair takes the scalar code's recurrence frame
  ;; by frame, bit for bit, and starts a new run at its second frame. The first pair of every
  ;; block does (so n <= frames < table size). Settings are read from memory where they are
  ;; used and constants from the globals: with 16 vector registers, holding them in locals made
  ;; TurboFan spill the recurrence's state around the exp.
  (func $ballisticsLoop (param $s i32) (param $lev i32) (param $aux i32) (param $ramps i32)
    (param $frames i32) (param $gate i32)
    (local $i i32) (local $ptr i32) (local $pair i32) (local $n i32) (local $table i32)
    (local $attackTable i32) (local $releaseTable i32) (local $moving i32)
    (local $tp v128) (local $t v128) (local $d v128) (local $x v128) (local $mk v128) (local $mkp v128)
    (local $run v128) (local $d0 v128)
    (local $maxv v128) (local $xA v128) (local $mA v128)
    (local $y v128) (local $xs v128) (local $rp v128) (local $g v128)
    (local $e v128) (local $kb v128) (local $j v128) (local $tab v128) (local $r v128) (local $r2 v128)
    (local $x0 f64)
    (local.set $attackTable (i32.add (local.get $s) (i32.const 264)))
    (local.set $releaseTable (i32.add (local.get $attackTable)
      (i32.shl (i32.trunc_sat_f64_s (f64.load offset=256 (local.get $s))) (i32.const 3))))
    (local.set $x (v128.load64_splat offset=32 (local.get $s)))
    (local.set $mk (v128.load64_splat offset=72 (local.get $s)))
    (local.set $moving (f64.ne (f64.load offset=64 (local.get $s)) (f64.load offset=72 (local.get $s))))
    (f64.store offset=144 (local.get $s) (f64.div
      (f64.sub (f64.load offset=64 (local.get $s)) (f64.load offset=72 (local.get $s)))
      (f64.convert_i32_s (local.get $frames))))
    (i64.store offset=160 (local.get $s) (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $gate))))
    (local.set $maxv (global.get $ZERO))
    (local.set $run (global.get $NAN))
    (local.set $d0 (global.get $ZERO))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $pair (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $frames)))
        (local.set $ptr (i32.shl (local.get $i) (i32.const 3)))
        (local.set $tp (v128.load align=8 (i32.add (local.get $aux) (local.get $ptr))))
        (if (i32.and (local.get $pair) (i64x2.all_true (f64x2.eq (local.get $tp) (local.get $run))))
          (then
            ;; Inside a run: both frames at once.
            (local.set $xs (f64x2.add (local.get $run)
              (f64x2.mul
                (v128.load align=8 (i32.add (local.get $table) (i32.shl (local.get $n) (i32.const 3))))
                (local.get $d0))))
            (local.set $n (i32.add (local.get $n) (i32.const 2)))
            (local.set $x (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $xs) (local.get $xs))))
          (else
            ;; The recurrence, frame by frame: first frame of the pair.
            (local.set $t (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $tp) (local.get $tp)))
            (local.set $d (f64x2.sub (local.get $x) (local.get $t)))
            (local.set $x (v128.bitselect
              (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=0 (local.get $s)) (local.get $d)))
              (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=8 (local.get $s)) (local.get $d)))
              (v128.xor (f64x2.gt (local.get $t) (local.get $x)) (v128.load64_splat offset=160 (local.get $s)))))
            (local.set $xA (local.get $x))
            (if (local.get $pair)
              (then
                (local.set $t (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $tp) (local.get $tp)))
                (local.set $d (f64x2.sub (local.get $x) (local.get $t)))
                (local.set $x (v128.bitselect
                  (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=0 (local.get $s)) (local.get $d)))
                  (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=8 (local.get $s)) (local.get $d)))
                  (v128.xor (f64x2.gt (local.get $t) (local.get $x)) (v128.load64_splat offset=160 (local.get $s)))))
                (local.set $xs (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $xA) (local.get $x))))
              (else (local.set $xs (local.get $xA))))
            ;; A run starts at the pair's last frame: its target, its value, the side it is on
            ;; (attack: the compressor's value below its target, the gate's above).
            (local.set $run (local.get $t))
            (local.set $d0 (f64x2.sub (local.get $x) (local.get $t)))
            (local.set $table (select (local.get $attackTable) (local.get $releaseTable)
              (i32.xor (f64.lt (f64x2.extract_lane 0 (local.get $d0)) (f64.const 0)) (local.get $gate))))
            (local.set $n (i32.const 1))))
        ;; Make-up, stepped frame by frame while it moves.
        (if (local.get $moving)
          (then
            (local.set $mA (f64x2.add (local.get $mk) (v128.load64_splat offset=144 (local.get $s))))
            (local.set $mk (f64x2.add (local.get $mA) (v128.load64_splat offset=144 (local.get $s))))
            (local.set $mkp (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $mA)
              (select (result v128) (local.get $mk) (local.get $mA) (local.get $pair))))
            (if (i32.eqz (local.get $pair)) (then (local.set $mk (local.get $mA)))))
          (else (local.set $mkp (local.get $mk))))
        (local.set $y (f64x2.mul (v128.load64_splat offset=152 (local.get $s)) (f64x2.sub (local.get $mkp) (local.get $xs))))
        (local.set $rp (v128.load align=8 (i32.add (local.get $ramps) (local.get $ptr))))
        ;; exp(y) = 2^k (T_j + T_j q), y = (256 k + j) ln2/256 + r, q = e^r - 1
        (local.set $e (local.get $y))
        (local.set $tab (f64x2.add (f64x2.mul (local.get $e) (global.get $X_SCALE)) (global.get $SHIFTER)))
        (local.set $kb (i64x2.sub (local.get $tab) (global.get $SHIFTER)))
        (local.set $g (f64x2.sub (local.get $tab) (global.get $SHIFTER)))
        (local.set $r (f64x2.sub
          (f64x2.sub (local.get $e) (f64x2.mul (local.get $g) (global.get $X_LN2_HI)))
          (f64x2.mul (local.get $g) (global.get $X_LN2_LO))))
        (local.set $j (i64x2.shl (v128.and (local.get $kb) (global.get $INDEX_MASK)) (i32.const 3)))
        (local.set $tab (v128.load64_zero (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j)))))
        (local.set $tab (v128.load64_lane 1 (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j))) (local.get $tab)))
        (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
        (local.set $r (f64x2.add (local.get $r) (f64x2.mul (local.get $r2)
          (f64x2.add (f64x2.add (global.get $X2) (f64x2.mul (local.get $r) (global.get $X3)))
            (f64x2.mul (local.get $r2) (global.get $X4))))))
        (local.set $g (i64x2.add
          (f64x2.add (local.get $tab) (f64x2.mul (local.get $tab) (local.get $r)))
          (v128.and (i64x2.shl (local.get $kb) (i32.const 44)) (global.get $EXPONENT_MASK))))
        (v128.store align=8 (i32.add (local.get $aux) (local.get $ptr)) (local.get $g))
        (v128.store align=8 (i32.add (local.get $lev) (local.get $ptr))
          (f64x2.add (global.get $ONE) (f64x2.mul (f64x2.sub (local.get $g) (global.get $ONE)) (local.get $rp))))
        (local.set $maxv (f64x2.pmax (local.get $maxv) (f64x2.mul (local.get $xs) (local.get $rp))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; The last frame's exp for the next block's constant test; state, flushed.
    (v128.store64_lane offset=112 1 (local.get $s) (local.get $y))
    (v128.store64_lane offset=120 1 (local.get $s) (local.get $g))
    (local.set $maxv (f64x2.pmax (local.get $maxv)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $maxv) (local.get $maxv))))
    (v128.store64_lane offset=48 0 (local.get $s) (local.get $maxv))
    (local.set $x0 (f64x2.extract_lane 0 (local.get $x)))
    (f64.store offset=32 (local.get $s)
      (select (f64.const 0) (local.get $x0) (f64.lt (local.get $x0) (f64.const 1e-25))))
    (f64.store offset=72 (local.get $s) (f64.load offset=64 (local.get $s))))

  ;; ---------------------------------------------------------------- processors
  ;; Descriptor at $d (i32): 0 left f32 | 4 right f32 | 8 levels/gains f64 | 12 scratch f64 |
  ;; 16 settings (gate or core slots) | 20 hold state | 24 (unused) | 28 detector (det)
  ;; | 32 result: 1 when left/right were changed | 36 ramps f64.

  ;; The gate on one block of left/right (right ignored in mono).
  (func (export "gate") (param $d i32) (param $frames i32) (param $stereo i32)
    (local $settings i32) (local $lev i32)
    (local.set $settings (i32.load offset=16 (local.get $d)))
    (local.set $lev (i32.load offset=8 (local.get $d)))
    (call $peakF32 (i32.load offset=0 (local.get $d)) (i32.load offset=4 (local.get $d))
      (local.get $lev) (local.get $frames) (local.get $stereo))
    (call $hold (i32.load offset=20 (local.get $d)) (local.get $lev) (local.get $frames))
    (call $multiply (local.get $d)
      (call $dynGains (local.get $settings) (local.get $lev) (i32.load offset=12 (local.get $d))
        (i32.load offset=36 (local.get $d)) (local.get $frames) (i32.const 1))
      (i32.add (local.get $settings) (i32.const 56)) (local.get $frames) (local.get $stereo)))

  ;; The channel compressor on one block. Flags: 1 stereo, 2 mean-square (RMS) detection,
  ;; 4 side-chain high-pass.
  (func (export "compress") (param $d i32) (param $frames i32) (param $flags i32)
    (local $stereo i32) (local $settings i32) (local $det i32) (local $lev i32)
    (local.set $stereo (i32.and (local.get $flags) (i32.const 1)))
    (local.set $settings (i32.load offset=16 (local.get $d)))
    (local.set $det (i32.load offset=28 (local.get $d)))
    (local.set $lev (i32.load offset=8 (local.get $d)))
    (if (i32.and (local.get $flags) (i32.const 6))
      (then
        (call $sideChain (local.get $det) (i32.load offset=0 (local.get $d)) (i32.load offset=4 (local.get $d))
          (local.get $lev) (local.get $frames) (local.get $stereo) (local.get $flags))
        (if (i32.eqz (i32.and (local.get $flags) (i32.const 2)))
          (then (call $hold (i32.load offset=20 (local.get $d)) (local.get $lev) (local.get $frames)))))
      (else
        (call $peakF32 (i32.load offset=0 (local.get $d)) (i32.load offset=4 (local.get $d))
          (local.get $lev) (local.get $frames) (local.get $stereo))
        (call $hold (i32.load offset=20 (local.get $d)) (local.get $lev) (local.get $frames))))
    (call $multiply (local.get $d)
      (call $dynGains (local.get $settings) (local.get $lev) (i32.load offset=12 (local.get $d))
        (i32.load offset=36 (local.get $d)) (local.get $frames) (i32.const 0))
      (i32.add (local.get $settings) (i32.const 56)) (local.get $frames) (local.get $stereo)))

  ;; Gains onto left/right: per frame (levels buffer), or the constant at $gain (nothing when
  ;; it is 1).
  (func $multiply (param $d i32) (param $constant i32) (param $gain i32) (param $frames i32) (param $stereo i32)
    (if (local.get $constant)
      (then
        (if (f64.eq (f64.load (local.get $gain)) (f64.const 1))
          (then
            (i32.store offset=32 (local.get $d) (i32.const 0))
            (return)))
        (call $applyConstant (i32.load offset=0 (local.get $d)) (local.get $gain) (local.get $frames))
        (if (local.get $stereo)
          (then (call $applyConstant (i32.load offset=4 (local.get $d)) (local.get $gain) (local.get $frames)))))
      (else
        (call $apply (i32.load offset=0 (local.get $d)) (i32.load offset=8 (local.get $d)) (local.get $frames))
        (if (local.get $stereo)
          (then (call $apply (i32.load offset=4 (local.get $d)) (i32.load offset=8 (local.get $d)) (local.get $frames))))))
    (i32.store offset=32 (local.get $d) (i32.const 1)))

  ;; ---------------------------------------------------------------- multiband
  ;; Descriptor at $d (i32): 0 left f32 | 4 right f32 (dry in, result out) | 8, 12, 16 low/mid/
  ;; high bands (f64 pairs L, R) | 20, 24, 28 levels, then gains | 32 scratch | 36 ramps |
  ;; 44, 48, 52 core slots | 56, 60, 64 hold states | 68 multiband slots (f64): 0 ramp at block
  ;; start | 1 at its end | 2 on (target) | 3 ramp step | 4, 5, 6 gain reduction per band (out)
  ;; | 7 scratch. $idle bit b: band b bypassed and settled (gains 1, detector not run).
  (func (export "multiband") (param $d i32) (param $frames i32) (param $idle i32)
    (local $band i32) (local $at i32) (local $mb i32) (local $lev i32) (local $core i32)
    (local.set $mb (i32.load offset=68 (local.get $d)))
    (block $bands
      (loop $next
        (br_if $bands (i32.ge_s (local.get $band) (i32.const 3)))
        (local.set $at (i32.add (local.get $d) (i32.shl (local.get $band) (i32.const 2))))
        (local.set $lev (i32.load offset=20 (local.get $at)))
        (local.set $core (i32.load offset=44 (local.get $at)))
        (if (i32.and (local.get $idle) (i32.shl (i32.const 1) (local.get $band)))
          (then
            (f64.store offset=56 (local.get $mb) (f64.const 1))
            (call $fill (local.get $lev) (i32.add (local.get $mb) (i32.const 56)) (local.get $frames))
            (f64.store offset=32 (i32.add (local.get $mb) (i32.shl (local.get $band) (i32.const 3))) (f64.const 0)))
          (else
            (call $peakPairs (i32.load offset=8 (local.get $at)) (local.get $lev) (local.get $frames))
            (call $hold (i32.load offset=56 (local.get $at)) (local.get $lev) (local.get $frames))
            (if (call $dynGains (local.get $core) (local.get $lev) (i32.load offset=32 (local.get $d))
                  (i32.load offset=36 (local.get $d)) (local.get $frames) (i32.const 0))
              (then (call $fill (local.get $lev) (i32.add (local.get $core) (i32.const 56)) (local.get $frames))))
            (f64.store offset=32 (i32.add (local.get $mb) (i32.shl (local.get $band) (i32.const 3)))
              (f64.load offset=48 (local.get $core)))))
        (local.set $band (i32.add (local.get $band) (i32.const 1)))
        (br $next)))
    (call $bandSum (local.get $d) (local.get $mb) (local.get $frames)))

  ;; out = (low gLow + mid gMid) + high gHigh per lane (L, R), or during the on/off ramp
  ;; dry + (that - dry) ramp with the ramp stepping every frame (MultibandCompressor.sum).
  (func $bandSum (param $d i32) (param $mb i32) (param $frames i32)
    (local $i i32) (local $o8 i32) (local $o16 i32) (local $o4 i32) (local $x v128) (local $dry v128)
    (local $low i32) (local $mid i32) (local $high i32) (local $gl i32) (local $gm i32) (local $gh i32)
    (local $left i32) (local $right i32)
    (local $ramp v128) (local $target v128) (local $step v128) (local $one v128)
    (local.set $left (i32.load offset=0 (local.get $d)))
    (local.set $right (i32.load offset=4 (local.get $d)))
    (local.set $low (i32.load offset=8 (local.get $d)))
    (local.set $mid (i32.load offset=12 (local.get $d)))
    (local.set $high (i32.load offset=16 (local.get $d)))
    (local.set $gl (i32.load offset=20 (local.get $d)))
    (local.set $gm (i32.load offset=24 (local.get $d)))
    (local.set $gh (i32.load offset=28 (local.get $d)))
    (local.set $ramp (v128.load64_splat offset=0 (local.get $mb)))
    (local.set $target (v128.load64_splat offset=16 (local.get $mb)))
    (if (i32.and
          (f64.eq (f64.load offset=0 (local.get $mb)) (f64.load offset=16 (local.get $mb)))
          (f64.eq (f64.load offset=16 (local.get $mb)) (f64.const 1)))
      (then
        (block $done
          (loop $frame
            (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
            (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
            (local.set $o16 (i32.shl (local.get $i) (i32.const 4)))
            (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
            (local.set $x (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.add
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $low) (local.get $o16)))
                    (v128.load64_splat (i32.add (local.get $gl) (local.get $o8))))
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $mid) (local.get $o16)))
                    (v128.load64_splat (i32.add (local.get $gm) (local.get $o8)))))
                (f64x2.mul (v128.load align=8 (i32.add (local.get $high) (local.get $o16)))
                  (v128.load64_splat (i32.add (local.get $gh) (local.get $o8)))))))
            (v128.store32_lane 0 (i32.add (local.get $left) (local.get $o4)) (local.get $x))
            (v128.store32_lane 1 (i32.add (local.get $right) (local.get $o4)) (local.get $x))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $frame)))
        (f64.store offset=8 (local.get $mb) (f64.const 1))
        (return)))
    (local.set $step (v128.load64_splat offset=24 (local.get $mb)))
    (local.set $one (global.get $ONE))
    (block $done
      (loop $frame
        (br_if $done (i32.ge_s (local.get $i) (local.get $frames)))
        (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
        (local.set $o16 (i32.shl (local.get $i) (i32.const 4)))
        (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
        (local.set $ramp
          (v128.bitselect
            (f64x2.pmin (f64x2.add (local.get $ramp) (local.get $step)) (local.get $one))
            (f64x2.pmax (f64x2.sub (local.get $ramp) (local.get $step)) (v128.const i64x2 0 0))
            (f64x2.gt (local.get $target) (local.get $ramp))))
        (local.set $dry (f64x2.promote_low_f32x4
          (f32x4.replace_lane 1
            (v128.load32_zero (i32.add (local.get $left) (local.get $o4)))
            (f32.load (i32.add (local.get $right) (local.get $o4))))))
        (local.set $x
          (f64x2.add
            (f64x2.add
              (f64x2.mul (v128.load align=8 (i32.add (local.get $low) (local.get $o16)))
                (v128.load64_splat (i32.add (local.get $gl) (local.get $o8))))
              (f64x2.mul (v128.load align=8 (i32.add (local.get $mid) (local.get $o16)))
                (v128.load64_splat (i32.add (local.get $gm) (local.get $o8)))))
            (f64x2.mul (v128.load align=8 (i32.add (local.get $high) (local.get $o16)))
              (v128.load64_splat (i32.add (local.get $gh) (local.get $o8))))))
        (local.set $x (f32x4.demote_f64x2_zero
          (f64x2.add (local.get $dry) (f64x2.mul (f64x2.sub (local.get $x) (local.get $dry)) (local.get $ramp)))))
        (v128.store32_lane 0 (i32.add (local.get $left) (local.get $o4)) (local.get $x))
        (v128.store32_lane 1 (i32.add (local.get $right) (local.get $o4)) (local.get $x))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frame)))
    (f64.store offset=8 (local.get $mb) (f64x2.extract_lane 0 (local.get $ramp))))

  ;; ---------------------------------------------------------------- tests
  ;; The gain stage alone: held levels at $lev -> gains at $lev (the constant written out when
  ;; the block is constant), settings block at $s; $gate as $dynGains.
  (func (export "gains") (param $s i32) (param $lev i32) (param $aux i32) (param $ramps i32)
    (param $frames i32) (param $gate i32)
    (if (call $dynGains (local.get $s) (local.get $lev) (local.get $aux) (local.get $ramps)
          (local.get $frames) (local.get $gate))
      (then (call $fill (local.get $lev) (i32.add (local.get $s) (i32.const 56)) (local.get $frames)))))

  ;; dst[i] = ln(src[i]) by the very pass the processors run ($targets, mode 2; its cache in
  ;; the settings block at $s). exp: "ballistics", with attack = release = 0, dB -> ln scale 1
  ;; and targets -y, leaves exp(y) in $aux.
  (func (export "lnPass") (param $s i32) (param $src i32) (param $dst i32) (param $count i32)
    (call $targets (local.get $s) (local.get $src) (local.get $dst) (local.get $count) (i32.const 2)))
)
