;; Little-endian 16- and 24-bit PCM to planar float32 (engine/audio/pcm-decoder.ts), with the
;; values AudioFileReader's JavaScript decoding gives: the integer sign-extended, converted to
;; f32 (exact: it has at most 24 significant bits) and scaled by 2^-15 or 2^-23 (exact: a power
;; of two). JavaScript divides in double and rounds to f32 on the store, which is the same value.
;;
;; decode(src, dst, frames, channels, lineStride, bytes)
;;   src         the interleaved sample bytes; 32 bytes after the last frame may be read
;;   dst         channel c's line starts at dst + c * lineStride (16-aligned byte addresses)
;;   frames      frames to decode; up to 3 values past `frames` may be written in each line
;;   channels    1 and 2 run four frames per vector step, others one sample at a time
;;   bytes       2 or 3 (bytes per sample)
;;
;; A sample is put into the top of an i32 lane by a byte shuffle and shifted down arithmetically
;; (which sign-extends it); the lane's low bytes are filler that the shift drops.
(module
  (import "env" "memory" (memory 1))

  (func (export "decode")
    (param $src i32) (param $dst i32) (param $frames i32) (param $channels i32)
    (param $lineStride i32) (param $bytes i32)
    (local $i i32) (local $c i32) (local $at i32) (local $out i32) (local $step i32)
    (local $v0 v128) (local $v1 v128) (local $scale24 v128) (local $scale16 v128)
    (local $right i32)
    (local.set $scale24 (f32x4.splat (f32.const 0x1p-23)))
    (local.set $scale16 (f32x4.splat (f32.const 0x1p-15)))
    (local.set $right (i32.add (local.get $dst) (local.get $lineStride)))
    (if (i32.and (i32.eq (local.get $bytes) (i32.const 3)) (i32.eq (local.get $channels) (i32.const 2)))
      (then
        ;; Four stereo frames: 24 bytes, L at 0, 6, 12, 18 and R at 3, 9, 15, 21.
        (loop $frames24s
          (if (i32.lt_s (local.get $i) (local.get $frames))
            (then
              (local.set $v0 (v128.load align=1 (local.get $src)))
              (local.set $v1 (v128.load offset=16 align=1 (local.get $src)))
              (v128.store (local.get $dst)
                (f32x4.mul (local.get $scale24) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 0 0 1 2 6 6 7 8 12 12 13 14 18 18 19 20 (local.get $v0) (local.get $v1))
                  (i32.const 8)))))
              (v128.store (local.get $right)
                (f32x4.mul (local.get $scale24) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 3 3 4 5 9 9 10 11 15 15 16 17 21 21 22 23 (local.get $v0) (local.get $v1))
                  (i32.const 8)))))
              (local.set $src (i32.add (local.get $src) (i32.const 24)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $right (i32.add (local.get $right) (i32.const 16)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $frames24s))))
        (return)))
    (if (i32.and (i32.eq (local.get $bytes) (i32.const 3)) (i32.eq (local.get $channels) (i32.const 1)))
      (then
        ;; Four mono frames: 12 bytes.
        (loop $frames24m
          (if (i32.lt_s (local.get $i) (local.get $frames))
            (then
              (local.set $v0 (v128.load align=1 (local.get $src)))
              (v128.store (local.get $dst)
                (f32x4.mul (local.get $scale24) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 0 0 1 2 3 3 4 5 6 6 7 8 9 9 10 11 (local.get $v0) (local.get $v0))
                  (i32.const 8)))))
              (local.set $src (i32.add (local.get $src) (i32.const 12)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $frames24m))))
        (return)))
    (if (i32.and (i32.eq (local.get $bytes) (i32.const 2)) (i32.eq (local.get $channels) (i32.const 2)))
      (then
        ;; Four stereo frames: 16 bytes, L at 0, 4, 8, 12 and R at 2, 6, 10, 14.
        (loop $frames16s
          (if (i32.lt_s (local.get $i) (local.get $frames))
            (then
              (local.set $v0 (v128.load align=1 (local.get $src)))
              (v128.store (local.get $dst)
                (f32x4.mul (local.get $scale16) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 0 0 0 1 4 4 4 5 8 8 8 9 12 12 12 13 (local.get $v0) (local.get $v0))
                  (i32.const 16)))))
              (v128.store (local.get $right)
                (f32x4.mul (local.get $scale16) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 2 2 2 3 6 6 6 7 10 10 10 11 14 14 14 15 (local.get $v0) (local.get $v0))
                  (i32.const 16)))))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $right (i32.add (local.get $right) (i32.const 16)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $frames16s))))
        (return)))
    (if (i32.and (i32.eq (local.get $bytes) (i32.const 2)) (i32.eq (local.get $channels) (i32.const 1)))
      (then
        ;; Four mono frames: 8 bytes.
        (loop $frames16m
          (if (i32.lt_s (local.get $i) (local.get $frames))
            (then
              (local.set $v0 (v128.load align=1 (local.get $src)))
              (v128.store (local.get $dst)
                (f32x4.mul (local.get $scale16) (f32x4.convert_i32x4_s (i32x4.shr_s
                  (i8x16.shuffle 0 0 0 1 2 2 2 3 4 4 4 5 6 6 6 7 (local.get $v0) (local.get $v0))
                  (i32.const 16)))))
              (local.set $src (i32.add (local.get $src) (i32.const 8)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $frames16m))))
        (return)))
    ;; Any other channel count: channel by channel, one sample at a time.
    (local.set $step (i32.mul (local.get $bytes) (local.get $channels)))
    (loop $channelLoop
      (if (i32.lt_s (local.get $c) (local.get $channels))
        (then
          (local.set $at (i32.add (local.get $src) (i32.mul (local.get $c) (local.get $bytes))))
          (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $c) (local.get $lineStride))))
          (local.set $i (i32.const 0))
          (loop $sampleLoop
            (if (i32.lt_s (local.get $i) (local.get $frames))
              (then
                (f32.store (local.get $out)
                  (if (result f32) (i32.eq (local.get $bytes) (i32.const 3))
                    (then
                      (f32.mul (f32.const 0x1p-23) (f32.convert_i32_s
                        (i32.shr_s (i32.shl (i32.load align=1 (local.get $at)) (i32.const 8)) (i32.const 8)))))
                    (else
                      (f32.mul (f32.const 0x1p-15) (f32.convert_i32_s (i32.load16_s align=1 (local.get $at)))))))
                (local.set $at (i32.add (local.get $at) (local.get $step)))
                (local.set $out (i32.add (local.get $out) (i32.const 4)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $sampleLoop))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $channelLoop))))))
