;; The console graph's own per-sample loops: a strip into the mix bus (fader, pan or balance,
;; width, post-fader meter), a strip into an aux bus (send), an aux return into the mix, gain
;; ramps on the master bus and the master's block statistics.
;;
;; Every buffer is f32 in this memory; every gain ramp is a pair of f64 slots (value, step) in a
;; parameter area `p`, advanced before each sample (g += step) exactly as the JavaScript it
;; replaced did, in double precision and in the same order, so the mix is bit-identical. Peaks
;; are taken with a compare and select (a NaN never replaces the running peak, as in JS `>`),
;; not f64.max, which would propagate NaN.
;;
;; mixStereo(left, right, mixL, mixR, n, p)
;;   p: [0] g, [1] step, [2] gl, [3] stepL, [4] gr, [5] stepR, [6] w, [7] stepW; out [8] peak,
;;   [9] sum of squares (mean of the two sides). mid/side width, then fader g for the meter and
;;   fader x balance (gl, gr) into the mix.
;; mixMono(x, mixL, mixR, n, p)
;;   p as above without width: x * gl, x * gr into the mix; meter on x * g.
;; addSend(left, right, busL, busR, n, p)
;;   p: [0] gl, [1] stepL, [2] gr, [3] stepR; bus += input * gain.
;; mixReturn(left, right, mixL, mixR, n, p)
;;   p: [0] g, [1] step; out [8] peak, [9] sum of squares (mean of the sides); mix += input * g.
;; rampStereo(left, right, n, p)
;;   p: [0] gl, [1] stepL, [2] gr, [3] stepR; in place: x *= gain.
;; stereoStats(left, right, n, p)
;;   out [8] peak left, [9] peak right, [10] sum of squares left, [11] right.
(module
  (import "env" "memory" (memory 1))

  (func (export "mixStereo")
    (param $left i32) (param $right i32) (param $mixL i32) (param $mixR i32) (param $n i32)
    (param $p i32)
    (local $i i32) (local $at i32)
    (local $g f64) (local $sg f64) (local $gl f64) (local $sl f64) (local $gr f64) (local $sr f64)
    (local $w f64) (local $sw f64)
    (local $l f64) (local $r f64) (local $mid f64) (local $side f64) (local $a f64) (local $b f64)
    (local $yl f64) (local $yr f64) (local $m f64) (local $peak f64) (local $sum f64)
    (local.set $g (f64.load (local.get $p)))
    (local.set $sg (f64.load offset=8 (local.get $p)))
    (local.set $gl (f64.load offset=16 (local.get $p)))
    (local.set $sl (f64.load offset=24 (local.get $p)))
    (local.set $gr (f64.load offset=32 (local.get $p)))
    (local.set $sr (f64.load offset=40 (local.get $p)))
    (local.set $w (f64.load offset=48 (local.get $p)))
    (local.set $sw (f64.load offset=56 (local.get $p)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g (f64.add (local.get $g) (local.get $sg)))
        (local.set $gl (f64.add (local.get $gl) (local.get $sl)))
        (local.set $gr (f64.add (local.get $gr) (local.get $sr)))
        (local.set $w (f64.add (local.get $w) (local.get $sw)))
        (local.set $l (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at)))))
        (local.set $r (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at)))))
        (local.set $mid (f64.mul (f64.const 0.5) (f64.add (local.get $l) (local.get $r))))
        (local.set $side
          (f64.mul (f64.mul (f64.const 0.5) (f64.sub (local.get $l) (local.get $r))) (local.get $w)))
        (local.set $a (f64.add (local.get $mid) (local.get $side)))
        (local.set $b (f64.sub (local.get $mid) (local.get $side)))
        (local.set $yl (f64.mul (local.get $a) (local.get $g)))
        (local.set $yr (f64.mul (local.get $b) (local.get $g)))
        (f32.store (i32.add (local.get $mixL) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $mixL) (local.get $at))))
              (f64.mul (local.get $a) (local.get $gl)))))
        (f32.store (i32.add (local.get $mixR) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $mixR) (local.get $at))))
              (f64.mul (local.get $b) (local.get $gr)))))
        (local.set $m (f64.abs (local.get $yl)))
        (local.set $peak (select (local.get $m) (local.get $peak) (f64.gt (local.get $m) (local.get $peak))))
        (local.set $m (f64.abs (local.get $yr)))
        (local.set $peak (select (local.get $m) (local.get $peak) (f64.gt (local.get $m) (local.get $peak))))
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.mul (f64.const 0.5)
              (f64.add (f64.mul (local.get $yl) (local.get $yl)) (f64.mul (local.get $yr) (local.get $yr))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames)))
    (f64.store offset=64 (local.get $p) (local.get $peak))
    (f64.store offset=72 (local.get $p) (local.get $sum)))

  (func (export "mixMono")
    (param $x i32) (param $mixL i32) (param $mixR i32) (param $n i32) (param $p i32)
    (local $i i32) (local $at i32)
    (local $g f64) (local $sg f64) (local $gl f64) (local $sl f64) (local $gr f64) (local $sr f64)
    (local $v f64) (local $y f64) (local $m f64) (local $peak f64) (local $sum f64)
    (local.set $g (f64.load (local.get $p)))
    (local.set $sg (f64.load offset=8 (local.get $p)))
    (local.set $gl (f64.load offset=16 (local.get $p)))
    (local.set $sl (f64.load offset=24 (local.get $p)))
    (local.set $gr (f64.load offset=32 (local.get $p)))
    (local.set $sr (f64.load offset=40 (local.get $p)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g (f64.add (local.get $g) (local.get $sg)))
        (local.set $gl (f64.add (local.get $gl) (local.get $sl)))
        (local.set $gr (f64.add (local.get $gr) (local.get $sr)))
        (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at)))))
        (f32.store (i32.add (local.get $mixL) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $mixL) (local.get $at))))
              (f64.mul (local.get $v) (local.get $gl)))))
        (f32.store (i32.add (local.get $mixR) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $mixR) (local.get $at))))
              (f64.mul (local.get $v) (local.get $gr)))))
        (local.set $y (f64.mul (local.get $v) (local.get $g)))
        (local.set $m (f64.abs (local.get $y)))
        (local.set $peak (select (local.get $m) (local.get $peak) (f64.gt (local.get $m) (local.get $peak))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $y) (local.get $y))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames)))
    (f64.store offset=64 (local.get $p) (local.get $peak))
    (f64.store offset=72 (local.get $p) (local.get $sum)))

  (func (export "addSend")
    (param $left i32) (param $right i32) (param $busL i32) (param $busR i32) (param $n i32)
    (param $p i32)
    (local $i i32) (local $at i32)
    (local $gl f64) (local $sl f64) (local $gr f64) (local $sr f64)
    (local.set $gl (f64.load (local.get $p)))
    (local.set $sl (f64.load offset=8 (local.get $p)))
    (local.set $gr (f64.load offset=16 (local.get $p)))
    (local.set $sr (f64.load offset=24 (local.get $p)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gl (f64.add (local.get $gl) (local.get $sl)))
        (local.set $gr (f64.add (local.get $gr) (local.get $sr)))
        (f32.store (i32.add (local.get $busL) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $busL) (local.get $at))))
              (f64.mul
                (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at))))
                (local.get $gl)))))
        (f32.store (i32.add (local.get $busR) (local.get $at))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $busR) (local.get $at))))
              (f64.mul
                (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at))))
                (local.get $gr)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames))))

  (func (export "mixReturn")
    (param $left i32) (param $right i32) (param $mixL i32) (param $mixR i32) (param $n i32)
    (param $p i32)
    (local $i i32) (local $at i32)
    (local $g f64) (local $sg f64) (local $l f64) (local $r f64) (local $m f64)
    (local $peak f64) (local $sum f64)
    (local.set $g (f64.load (local.get $p)))
    (local.set $sg (f64.load offset=8 (local.get $p)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g (f64.add (local.get $g) (local.get $sg)))
        (local.set $l
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at)))) (local.get $g)))
        (local.set $r
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at)))) (local.get $g)))
        (f32.store (i32.add (local.get $mixL) (local.get $at))
          (f32.demote_f64
            (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $mixL) (local.get $at)))) (local.get $l))))
        (f32.store (i32.add (local.get $mixR) (local.get $at))
          (f32.demote_f64
            (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $mixR) (local.get $at)))) (local.get $r))))
        (local.set $m (f64.abs (local.get $l)))
        (local.set $peak (select (local.get $m) (local.get $peak) (f64.gt (local.get $m) (local.get $peak))))
        (local.set $m (f64.abs (local.get $r)))
        (local.set $peak (select (local.get $m) (local.get $peak) (f64.gt (local.get $m) (local.get $peak))))
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.mul (f64.const 0.5)
              (f64.add (f64.mul (local.get $l) (local.get $l)) (f64.mul (local.get $r) (local.get $r))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames)))
    (f64.store offset=64 (local.get $p) (local.get $peak))
    (f64.store offset=72 (local.get $p) (local.get $sum)))

  (func (export "rampStereo")
    (param $left i32) (param $right i32) (param $n i32) (param $p i32)
    (local $i i32) (local $at i32)
    (local $gl f64) (local $sl f64) (local $gr f64) (local $sr f64)
    (local.set $gl (f64.load (local.get $p)))
    (local.set $sl (f64.load offset=8 (local.get $p)))
    (local.set $gr (f64.load offset=16 (local.get $p)))
    (local.set $sr (f64.load offset=24 (local.get $p)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gl (f64.add (local.get $gl) (local.get $sl)))
        (local.set $gr (f64.add (local.get $gr) (local.get $sr)))
        (f32.store (i32.add (local.get $left) (local.get $at))
          (f32.demote_f64
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at)))) (local.get $gl))))
        (f32.store (i32.add (local.get $right) (local.get $at))
          (f32.demote_f64
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at)))) (local.get $gr))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames))))

  (func (export "stereoStats")
    (param $left i32) (param $right i32) (param $n i32) (param $p i32)
    (local $i i32) (local $at i32) (local $l f64) (local $r f64) (local $m f64)
    (local $peakL f64) (local $peakR f64) (local $sumL f64) (local $sumR f64)
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $l (f64.promote_f32 (f32.load (i32.add (local.get $left) (local.get $at)))))
        (local.set $r (f64.promote_f32 (f32.load (i32.add (local.get $right) (local.get $at)))))
        (local.set $m (f64.abs (local.get $l)))
        (local.set $peakL (select (local.get $m) (local.get $peakL) (f64.gt (local.get $m) (local.get $peakL))))
        (local.set $m (f64.abs (local.get $r)))
        (local.set $peakR (select (local.get $m) (local.get $peakR) (f64.gt (local.get $m) (local.get $peakR))))
        (local.set $sumL (f64.add (local.get $sumL) (f64.mul (local.get $l) (local.get $l))))
        (local.set $sumR (f64.add (local.get $sumR) (f64.mul (local.get $r) (local.get $r))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $frames)))
    (f64.store offset=64 (local.get $p) (local.get $peakL))
    (f64.store offset=72 (local.get $p) (local.get $peakR))
    (f64.store offset=80 (local.get $p) (local.get $sumL))
    (f64.store offset=88 (local.get $p) (local.get $sumR)))
)
