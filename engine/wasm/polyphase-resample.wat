;; The polyphase resampler's dot products (engine/dsp/polyphase-resampler.ts explains the
;; design), with the scalar code's arithmetic: for each output, its phase's taps over the inputs
;; from `position` on, even taps summed into one double and odd taps into another, in tap order,
;; then even + odd, rounded to f32. Here the even and odd sums are the two lanes of one f64x2
;; (lane 0 even, lane 1 odd), so every value is the one the scalar code computes (f64 in
;; WebAssembly is IEEE double like JavaScript's; no fused multiply-add in fixed-width SIMD).
;; Two outputs run together when both are due: their sums are independent chains, so one's adds
;; do not wait on the other's.
;;
;; produce(coefs, lines, lineStride, channels, taps, position, phase, last, count, up, stepWhole,
;;         stepPhase, out, outStride, state) -> outputs written
;;   coefs       f64 table, phase-major: phase p's taps at coefs + 8 * p * taps (16-aligned)
;;   lines       channel c's input history (f64) at lines + c * lineStride (16-aligned)
;;   taps        even; position: the next output's first input (index in the lines)
;;   last        outputs are due while position <= last; at most `count` are written
;;   out         channel c's outputs (f32) at out + c * outStride, from index 0
;;   state       the position and phase after the last output written are stored there (i32 x 2)
(module
  (import "env" "memory" (memory 1))

  (func (export "produce")
    (param $coefs i32) (param $lines i32) (param $lineStride i32) (param $channels i32)
    (param $taps i32) (param $position i32) (param $phase i32) (param $last i32) (param $count i32)
    (param $up i32) (param $stepWhole i32) (param $stepPhase i32) (param $out i32)
    (param $outStride i32) (param $state i32) (result i32)
    (local $k i32) (local $position2 i32) (local $phase2 i32) (local $pair i32) (local $c i32)
    (local $h1 i32) (local $h2 i32) (local $x1 i32) (local $x2 i32) (local $y1 i32) (local $y2 i32)
    (local $end i32) (local $rowBytes i32) (local $o i32)
    (local $hv1 v128) (local $hv2 v128)
    (local $a1 v128) (local $a2 v128) (local $b1 v128) (local $b2 v128)
    (local.set $rowBytes (i32.shl (local.get $taps) (i32.const 3)))
    (block $done
      (loop $outputs
        (br_if $done (i32.ge_s (local.get $k) (local.get $count)))
        (br_if $done (i32.gt_s (local.get $position) (local.get $last)))
        ;; The output after this one: is it due too?
        (local.set $position2 (i32.add (local.get $position) (local.get $stepWhole)))
        (local.set $phase2 (i32.add (local.get $phase) (local.get $stepPhase)))
        (if (i32.ge_s (local.get $phase2) (local.get $up))
          (then
            (local.set $phase2 (i32.sub (local.get $phase2) (local.get $up)))
            (local.set $position2 (i32.add (local.get $position2) (i32.const 1)))))
        (local.set $pair (i32.and
          (i32.lt_s (i32.add (local.get $k) (i32.const 1)) (local.get $count))
          (i32.le_s (local.get $position2) (local.get $last))))
        (if (i32.eqz (local.get $pair))
          (then
            ;; The second output's taps are read from the first's (the same values, discarded).
            (local.set $position2 (local.get $position))
            (local.set $phase2 (local.get $phase))))
        (local.set $c (i32.const 0))
        ;; Channels in pairs, both outputs: four independent sums.
        (block $pairsDone
          (loop $channelPairs
            (br_if $pairsDone (i32.gt_s (i32.add (local.get $c) (i32.const 2)) (local.get $channels)))
            (local.set $h1 (i32.add (local.get $coefs) (i32.mul (local.get $phase) (local.get $rowBytes))))
            (local.set $h2 (i32.add (local.get $coefs) (i32.mul (local.get $phase2) (local.get $rowBytes))))
            (local.set $x1 (i32.add (i32.add (local.get $lines) (i32.mul (local.get $c) (local.get $lineStride)))
              (i32.shl (local.get $position) (i32.const 3))))
            (local.set $x2 (i32.add (i32.add (local.get $lines) (i32.mul (local.get $c) (local.get $lineStride)))
              (i32.shl (local.get $position2) (i32.const 3))))
            (local.set $y1 (i32.add (local.get $x1) (local.get $lineStride)))
            (local.set $y2 (i32.add (local.get $x2) (local.get $lineStride)))
            (local.set $end (i32.add (local.get $h1) (local.get $rowBytes)))
            ;; Tap pair 0 starts the sums (0 + p is p for every p the scalar code meets but -0,
            ;; and 0 + -0 is +0 there too: start from 0 like it).
            (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0))
            (local.set $b1 (v128.const f64x2 0 0))
            (local.set $b2 (v128.const f64x2 0 0))
            (loop $tapsPair
              (local.set $hv1 (v128.load (local.get $h1)))
              (local.set $hv2 (v128.load (local.get $h2)))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load align=8 (local.get $x1)) (local.get $hv1))))
              (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (v128.load align=8 (local.get $y1)) (local.get $hv1))))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load align=8 (local.get $x2)) (local.get $hv2))))
              (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (v128.load align=8 (local.get $y2)) (local.get $hv2))))
              (local.set $h1 (i32.add (local.get $h1) (i32.const 16)))
              (local.set $h2 (i32.add (local.get $h2) (i32.const 16)))
              (local.set $x1 (i32.add (local.get $x1) (i32.const 16)))
              (local.set $x2 (i32.add (local.get $x2) (i32.const 16)))
              (local.set $y1 (i32.add (local.get $y1) (i32.const 16)))
              (local.set $y2 (i32.add (local.get $y2) (i32.const 16)))
              (br_if $tapsPair (i32.lt_u (local.get $h1) (local.get $end))))
            (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $outStride)))
              (i32.shl (local.get $k) (i32.const 2))))
            (f32.store (local.get $o) (f32.demote_f64 (f64.add
              (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))
            (f32.store (i32.add (local.get $o) (local.get $outStride)) (f32.demote_f64 (f64.add
              (f64x2.extract_lane 0 (local.get $b1)) (f64x2.extract_lane 1 (local.get $b1)))))
            (if (local.get $pair)
              (then
                (f32.store offset=4 (local.get $o) (f32.demote_f64 (f64.add
                  (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2)))))
                (f32.store offset=4 (i32.add (local.get $o) (local.get $outStride)) (f32.demote_f64 (f64.add
                  (f64x2.extract_lane 0 (local.get $b2)) (f64x2.extract_lane 1 (local.get $b2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 2)))
            (br $channelPairs)))
        ;; A last channel on its own.
        (if (i32.lt_s (local.get $c) (local.get $channels))
          (then
            (local.set $h1 (i32.add (local.get $coefs) (i32.mul (local.get $phase) (local.get $rowBytes))))
            (local.set $h2 (i32.add (local.get $coefs) (i32.mul (local.get $phase2) (local.get $rowBytes))))
            (local.set $x1 (i32.add (i32.add (local.get $lines) (i32.mul (local.get $c) (local.get $lineStride)))
              (i32.shl (local.get $position) (i32.const 3))))
            (local.set $x2 (i32.add (i32.add (local.get $lines) (i32.mul (local.get $c) (local.get $lineStride)))
              (i32.shl (local.get $position2) (i32.const 3))))
            (local.set $end (i32.add (local.get $h1) (local.get $rowBytes)))
            (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0))
            (loop $tapsOne
              (local.set $a1 (f64x2.add (local.get $a1)
                (f64x2.mul (v128.load align=8 (local.get $x1)) (v128.load (local.get $h1)))))
              (local.set $a2 (f64x2.add (local.get $a2)
                (f64x2.mul (v128.load align=8 (local.get $x2)) (v128.load (local.get $h2)))))
              (local.set $h1 (i32.add (local.get $h1) (i32.const 16)))
              (local.set $h2 (i32.add (local.get $h2) (i32.const 16)))
              (local.set $x1 (i32.add (local.get $x1) (i32.const 16)))
              (local.set $x2 (i32.add (local.get $x2) (i32.const 16)))
              (br_if $tapsOne (i32.lt_u (local.get $h1) (local.get $end))))
            (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $outStride)))
              (i32.shl (local.get $k) (i32.const 2))))
            (f32.store (local.get $o) (f32.demote_f64 (f64.add
              (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))
            (if (local.get $pair)
              (then
                (f32.store offset=4 (local.get $o) (f32.demote_f64 (f64.add
                  (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2)))))))))
        ;; Advance by one or two outputs.
        (if (local.get $pair)
          (then
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (local.set $position (i32.add (local.get $position2) (local.get $stepWhole)))
            (local.set $phase (i32.add (local.get $phase2) (local.get $stepPhase))))
          (else
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $position (i32.add (local.get $position) (local.get $stepWhole)))
            (local.set $phase (i32.add (local.get $phase) (local.get $stepPhase)))))
        (if (i32.ge_s (local.get $phase) (local.get $up))
          (then
            (local.set $phase (i32.sub (local.get $phase) (local.get $up)))
            (local.set $position (i32.add (local.get $position) (i32.const 1)))))
        (br $outputs)))
    (i32.store (local.get $state) (local.get $position))
    (i32.store offset=4 (local.get $state) (local.get $phase))
    (local.get $k))
)
