;; The true-peak limiter's gain envelope and output stage (engine/processors/true-peak-limiter.ts
;; explains the design; this is its arithmetic). It runs on the side-chain detector's memory
;; (engine/dsp/true-peak-detector.ts), reading the chunk's peaks and the delayed input there.
;;
;; Every double is computed with the operations, in the order, of the limiter's first
;; (JavaScript) version, so the output is bit-identical to it: f64 arithmetic in WebAssembly is
;; IEEE double like JavaScript's. tests/engine/dsp/true-peak-limiter.test.ts compares the two.
;; Two things are done differently with the same results:
;; - the hold (running maximum) doubles instead of keeping a monotonic deque: the maximum of a
;;   set of numbers does not depend on how it is found (the peaks are finite and >= 0);
;; - at rest the per-frame loop is skipped. At rest means: every held peak of the chunk is at
;;   most the target (so h = 1 on every frame), no bypass fade is running, and for at least
;;   2 (box1 + box2) frames before, h was 1 and r did not change. Then r is a fixed point of its
;;   update with h = 1, both rings are full of one value each (r, and sum1 / box1), each running
;;   sum has been re-summed from its full ring since, so it equals that re-sum, and adding
;;   r - r = 0 or re-summing leaves it so: every frame of the chunk would compute the same gain.
;;   Only the ring positions move. The count of frames at rest is kept per chunk: a chunk counts
;;   when h was 1 throughout, no fade ran, and r ended where it started and is a fixed point
;;   (then each frame's r, the update of the one before, was that same value).
;;
;; run(base, frames, read, stride, channels): `frames` (<= 512) output frames.
;;   base      the limiter's block (16-aligned); see the layout below.
;;   read      byte address of channel 0's input sample delayed to the chunk's first frame;
;;             channel c's at read + c * stride (f32, already sanitised by the detector).
;; Layout at base:
;;   +0    f64: 0 r, 1 sum1, 2 sum2, 3 mix, 4 target, 5 release coefficient, 6 bypass target
;;         (0 or 1), 7 bypass step; written back: 8 the chunk's last gain, 9 the smallest gain
;;         of this chunk and of what slot 9 held before (the owner sets it to 1 to start).
;;   +128  i32: 0 pos1, 1 pos2, 2 box1, 3 box2, 4 hold levels k, 5 hold offset d, 6 history span
;;         of the level lines (floats), 7 their byte stride; addresses: 8 level lines, 9 peaks
;;         (f32, the detector's), 10 held peaks (f32 scratch), 11 stage-1 ring (f64 [box1]),
;;         12 stage-2 ring (f64 [box2]), 15 channel 0's output (f32), 16 channel 1's, 17 the gains
;;         (f64 scratch, one per frame); 18 frames at rest.
;; Every line and scratch array has room for 16 values past the chunk (vector passes).
(module
  (import "env" "memory" (memory 1))

  ;; Copies `count` f32 from `from` down to `to` (< from), 4 at a time: up to 3 values more than
  ;; asked are copied.
  (func $moveDown (param $to i32) (param $from i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $to) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $vectors
        (br_if $done (i32.ge_u (local.get $to) (local.get $end)))
        (v128.store align=4 (local.get $to) (v128.load align=4 (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $vectors))))

  ;; held[i] = the largest of the last `window` peaks, this one included, by doubling: level 0 is
  ;; the peaks, level j + 1 at i is max(level j at i, at i - 2^j), so level j at i is the maximum
  ;; of 2^j peaks; with 2^k <= window < 2^(k + 1), held[i] = max(level k at i, at i - d),
  ;; d = window - 2^k. Each level is a line: `span` history values, then the chunk (its byte
  ;; stride is `stride`); level j keeps 2^j of history (level k: d), zeros after a reset. Peaks
  ;; are >= 0 (absolute values and their sums), so zero history reads as no history.
  ;; Branch-free, four frames per step. pmax(a, b) (b > a ? b : a) equals max for values >= 0.
  (func $hold (param $base i32) (param $frames i32)
    (local $levels i32) (local $d i32) (local $line i32) (local $stride i32) (local $span i32)
    (local $j i32) (local $step i32) (local $at i32) (local $end i32) (local $out i32)
    (local.set $levels (i32.load offset=144 (local.get $base)))
    (local.set $d (i32.load offset=148 (local.get $base)))
    (local.set $span (i32.shl (i32.load offset=152 (local.get $base)) (i32.const 2)))
    (local.set $stride (i32.load offset=156 (local.get $base)))
    ;; line: level 0's frame 0.
    (local.set $line (i32.add (i32.load offset=160 (local.get $base)) (local.get $span)))
    (local.set $end (i32.shl (local.get $frames) (i32.const 2)))
    (call $moveDown (local.get $line) (i32.load offset=164 (local.get $base)) (local.get $frames))
    (local.set $step (i32.const 4))
    (block $built
      (loop $level
        (br_if $built (i32.ge_u (local.get $j) (local.get $levels)))
        (local.set $at (i32.const 0))
        (loop $vectors
          (v128.store align=4 (i32.add (i32.add (local.get $line) (local.get $stride)) (local.get $at))
            (f32x4.pmax
              (v128.load align=4 (i32.add (local.get $line) (local.get $at)))
              (v128.load align=4 (i32.sub (i32.add (local.get $line) (local.get $at)) (local.get $step)))))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (br_if $vectors (i32.lt_u (local.get $at) (local.get $end))))
        ;; This level's history for the next chunk: its last 2^j values.
        (call $moveDown
          (i32.sub (local.get $line) (local.get $step))
          (i32.sub (i32.add (local.get $line) (local.get $end)) (local.get $step))
          (i32.shr_u (local.get $step) (i32.const 2)))
        (local.set $line (i32.add (local.get $line) (local.get $stride)))
        (local.set $step (i32.shl (local.get $step) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $level)))
    (local.set $d (i32.shl (local.get $d) (i32.const 2)))
    (local.set $out (i32.load offset=168 (local.get $base)))
    (local.set $at (i32.const 0))
    (loop $vectors
      (v128.store align=4 (i32.add (local.get $out) (local.get $at))
        (f32x4.pmax
          (v128.load align=4 (i32.add (local.get $line) (local.get $at)))
          (v128.load align=4 (i32.sub (i32.add (local.get $line) (local.get $at)) (local.get $d)))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.get $at) (local.get $end))))
    (call $moveDown
      (i32.sub (local.get $line) (local.get $d))
      (i32.sub (i32.add (local.get $line) (local.get $end)) (local.get $d))
      (i32.shr_u (local.get $d) (i32.const 2))))

  ;; The largest of held[0 .. frames) (values >= 0).
  (func $largest (param $held i32) (param $frames i32) (result f32)
    (local $end i32) (local $all v128) (local $largest f32)
    (local.set $end (i32.add (local.get $held) (i32.shl (i32.and (local.get $frames) (i32.const -4)) (i32.const 2))))
    (local.set $frames (i32.add (local.get $held) (i32.shl (local.get $frames) (i32.const 2))))
    (block $done
      (loop $vectors
        (br_if $done (i32.ge_u (local.get $held) (local.get $end)))
        (local.set $all (f32x4.pmax (local.get $all) (v128.load (local.get $held))))
        (local.set $held (i32.add (local.get $held) (i32.const 16)))
        (br $vectors)))
    (local.set $largest (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $all)) (f32x4.extract_lane 1 (local.get $all)))
      (f32.max (f32x4.extract_lane 2 (local.get $all)) (f32x4.extract_lane 3 (local.get $all)))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $held) (local.get $frames)))
        (local.set $largest (f32.max (local.get $largest) (f32.load (local.get $held))))
        (local.set $held (i32.add (local.get $held) (i32.const 4)))
        (br $tail)))
    (local.get $largest))

  ;; sum of ring[0 .. count), left to right, from 0.
  (func $sum (param $ring i32) (param $count i32) (result f64)
    (local $sum f64) (local $end i32)
    (local.set $end (i32.add (local.get $ring) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $ring) (local.get $end)))
        (local.set $sum (f64.add (local.get $sum) (f64.load (local.get $ring))))
        (local.set $ring (i32.add (local.get $ring) (i32.const 8)))
        (br $terms)))
    (local.get $sum))

  (func (export "run") (param $base i32) (param $frames i32) (param $read i32) (param $stride i32)
    (param $channels i32)
    (local $i i32) (local $held i32) (local $ring1 i32) (local $ring2 i32) (local $out0 i32) (local $out1 i32)
    (local $gains i32) (local $out i32) (local $c i32)
    (local $pos1 i32) (local $pos2 i32) (local $box1 i32) (local $box2 i32) (local $at i32)
    (local $r f64) (local $sum1 f64) (local $sum2 f64) (local $mix f64) (local $target f64)
    (local $release f64) (local $on f64) (local $step f64) (local $count1 f64) (local $count2 f64)
    (local $peak f64) (local $h f64) (local $m1 f64) (local $gain f64) (local $minGain f64)
    (local $previous f64) (local $stable i32) (local $idle i32) (local $steady i32) (local $all v128)
    (call $hold (local.get $base) (local.get $frames))
    (local.set $r (f64.load (local.get $base)))
    (local.set $sum1 (f64.load offset=8 (local.get $base)))
    (local.set $sum2 (f64.load offset=16 (local.get $base)))
    (local.set $mix (f64.load offset=24 (local.get $base)))
    (local.set $target (f64.load offset=32 (local.get $base)))
    (local.set $release (f64.load offset=40 (local.get $base)))
    (local.set $on (f64.load offset=48 (local.get $base)))
    (local.set $step (f64.load offset=56 (local.get $base)))
    (local.set $pos1 (i32.load offset=128 (local.get $base)))
    (local.set $pos2 (i32.load offset=132 (local.get $base)))
    (local.set $box1 (i32.load offset=136 (local.get $base)))
    (local.set $box2 (i32.load offset=140 (local.get $base)))
    (local.set $held (i32.load offset=168 (local.get $base)))
    (local.set $ring1 (i32.load offset=172 (local.get $base)))
    (local.set $ring2 (i32.load offset=176 (local.get $base)))
    (local.set $out0 (i32.load offset=188 (local.get $base)))
    (local.set $out1 (i32.load offset=192 (local.get $base)))
    (local.set $gains (i32.load offset=196 (local.get $base)))
    (local.set $count1 (f64.convert_i32_s (local.get $box1)))
    (local.set $count2 (f64.convert_i32_s (local.get $box2)))
    (local.set $gain (f64.const 1))
    (local.set $minGain (f64.load offset=72 (local.get $base)))
    (local.set $stable (i32.load offset=200 (local.get $base)))
    (local.set $idle
      (f64.le (f64.promote_f32 (call $largest (local.get $held) (local.get $frames))) (local.get $target)))
    (local.set $previous (local.get $r))
    (local.set $steady (f64.eq (local.get $mix) (local.get $on)))
    ;; At rest (see the header): every value of the loop below would stay what it is.
    (if (i32.and (i32.and (local.get $idle) (local.get $steady))
          (i32.ge_u (local.get $stable) (i32.shl (i32.add (local.get $box1) (local.get $box2)) (i32.const 1))))
      (then
        (local.set $gain (f64.add (f64.const 1) (f64.mul
          (f64.sub (f64.div (local.get $sum2) (local.get $count2)) (f64.const 1)) (local.get $mix))))
        (local.set $minGain
          (select (local.get $gain) (local.get $minGain) (f64.lt (local.get $gain) (local.get $minGain))))
        (local.set $all (f64x2.splat (local.get $gain)))
        (loop $fill
          (v128.store (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3))) (local.get $all))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br_if $fill (i32.lt_u (local.get $i) (local.get $frames))))
        (local.set $pos1 (i32.rem_u (i32.add (local.get $pos1) (local.get $frames)) (local.get $box1)))
        (local.set $pos2 (i32.rem_u (i32.add (local.get $pos2) (local.get $frames)) (local.get $box2)))
        ;; Skips the loop.
        (local.set $i (local.get $frames))))
    (block $done
      (loop $samples
        (br_if $done (i32.ge_u (local.get $i) (local.get $frames)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $peak (f64.promote_f32 (f32.load (i32.add (local.get $held) (local.get $at)))))
        ;; h = target / (peak > target ? peak : target): exactly 1 below the target.
        (local.set $h (f64.div (local.get $target)
          (select (local.get $peak) (local.get $target) (f64.gt (local.get $peak) (local.get $target)))))
        ;; Down at once, up with the release: r = h < r ? h : h - (h - r) * release.
        (local.set $r (select (local.get $h)
          (f64.sub (local.get $h) (f64.mul (f64.sub (local.get $h) (local.get $r)) (local.get $release)))
          (f64.lt (local.get $h) (local.get $r))))
        ;; Moving average 1: sum1 += r - ring1[pos1]; re-summed exactly once per turn.
        (local.set $at (i32.add (local.get $ring1) (i32.shl (local.get $pos1) (i32.const 3))))
        (local.set $sum1 (f64.add (local.get $sum1) (f64.sub (local.get $r) (f64.load (local.get $at)))))
        (f64.store (local.get $at) (local.get $r))
        (local.set $pos1 (i32.add (local.get $pos1) (i32.const 1)))
        (if (i32.eq (local.get $pos1) (local.get $box1))
          (then
            (local.set $pos1 (i32.const 0))
            (local.set $sum1 (call $sum (local.get $ring1) (local.get $box1)))))
        ;; Divisions, not reciprocals: an idle limiter's gain is then exactly 1.
        (local.set $m1 (f64.div (local.get $sum1) (local.get $count1)))
        (local.set $at (i32.add (local.get $ring2) (i32.shl (local.get $pos2) (i32.const 3))))
        (local.set $sum2 (f64.add (local.get $sum2) (f64.sub (local.get $m1) (f64.load (local.get $at)))))
        (f64.store (local.get $at) (local.get $m1))
        (local.set $pos2 (i32.add (local.get $pos2) (i32.const 1)))
        (if (i32.eq (local.get $pos2) (local.get $box2))
          (then
            (local.set $pos2 (i32.const 0))
            (local.set $sum2 (call $sum (local.get $ring2) (local.get $box2)))))
        ;; The bypass fade.
        (if (f64.ne (local.get $mix) (local.get $on))
          (then
            (local.set $mix (if (result f64) (f64.lt (local.get $mix) (local.get $on))
              (then (f64.min (local.get $on) (f64.add (local.get $mix) (local.get $step))))
              (else (f64.max (f64.const 0) (f64.sub (local.get $mix) (local.get $step))))))))
        (local.set $gain (f64.add (f64.const 1) (f64.mul
          (f64.sub (f64.div (local.get $sum2) (local.get $count2)) (f64.const 1)) (local.get $mix))))
        (local.set $minGain
          (select (local.get $gain) (local.get $minGain) (f64.lt (local.get $gain) (local.get $minGain))))
        (f64.store (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3))) (local.get $gain))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $samples)))
    ;; Frames in a row at rest: h = 1 (idle), no fade (steady), and r the same at both ends of the
    ;; chunk and a fixed point of its update with h = 1, so the same all through (each r is the
    ;; update of the one before). Counting stops at 2^30 (wrapping would only lose the fast path).
    (local.set $stable (select
      (select (i32.add (local.get $stable) (local.get $frames)) (local.get $stable)
        (i32.lt_u (local.get $stable) (i32.const 0x40000000)))
      (i32.const 0)
      (i32.and (i32.and (local.get $idle) (local.get $steady))
        (i32.and (f64.eq (local.get $r) (local.get $previous))
          (f64.eq (local.get $r) (select (f64.const 1)
            (f64.sub (f64.const 1) (f64.mul (f64.sub (f64.const 1) (local.get $r)) (local.get $release)))
            (f64.lt (f64.const 1) (local.get $r))))))))
    ;; The delayed input times the gain, rounded to f32 once; two frames per step.
    (local.set $c (i32.const 0))
    (block $written
      (loop $channel
        (br_if $written (i32.ge_u (local.get $c) (local.get $channels)))
        (local.set $out (select (local.get $out1) (local.get $out0) (local.get $c)))
        (local.set $i (i32.const 0))
        (block $done
          (loop $pairs
            (br_if $done (i32.ge_u (local.get $i) (local.get $frames)))
            (v128.store64_lane 0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.demote_f64x2_zero (f64x2.mul
                (f64x2.promote_low_f32x4
                  (v128.load64_zero align=4 (i32.add (local.get $read) (i32.shl (local.get $i) (i32.const 2)))))
                (v128.load align=8 (i32.add (local.get $gains) (i32.shl (local.get $i) (i32.const 3)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $pairs)))
        (local.set $read (i32.add (local.get $read) (local.get $stride)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $channel)))
    (f64.store (local.get $base) (local.get $r))
    (f64.store offset=8 (local.get $base) (local.get $sum1))
    (f64.store offset=16 (local.get $base) (local.get $sum2))
    (f64.store offset=24 (local.get $base) (local.get $mix))
    (f64.store offset=64 (local.get $base) (local.get $gain))
    (f64.store offset=72 (local.get $base) (local.get $minGain))
    (i32.store offset=200 (local.get $base) (local.get $stable))
    (i32.store offset=128 (local.get $base) (local.get $pos1))
    (i32.store offset=132 (local.get $base) (local.get $pos2))))
