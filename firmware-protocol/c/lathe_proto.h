/*
 * lathe_proto.h - C reference codec of the Lathe fader firmware protocol, version 1.0.
 *
 * Written from firmware-protocol/PROTOCOL.md alone; it is the independent cross-check of the
 * TypeScript codec in firmware-protocol/codec/.
 *
 * Portable C99 for microcontrollers:
 *   - no dynamic allocation, no recursion, no libc beyond <string.h>, <stdint.h>, <stddef.h>
 *     and <stdbool.h>;
 *   - every buffer is caller-provided or a fixed-size array inside a struct;
 *   - no function reads or writes outside the buffers it is given, whatever the input;
 *   - the worst-case stack use of any function is about 350 bytes (one decoded frame).
 *
 * Wire format (PROTOCOL.md §2): COBS(type | seq | payload | crc_lo | crc_hi) 0x00,
 * CRC-16/CCITT-FALSE over type, seq and payload.
 */
#ifndef LATHE_PROTO_H
#define LATHE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LP_PROTO_MAJOR 1u
#define LP_PROTO_MINOR 0u

/* Frame limits (§2). */
#define LP_MAX_PAYLOAD 250u /* payload bytes */
#define LP_MIN_FRAME 4u     /* decoded frame: type, seq, crc */
#define LP_MAX_FRAME 254u   /* decoded frame: 2 + 250 + 2 */
#define LP_MAX_ENCODED 255u /* COBS-encoded frame, without the delimiter */
#define LP_MAX_WIRE 256u    /* encoded frame plus the 0x00 delimiter */

/* Per-message limits (§4). */
#define LP_MAX_SETPOINTS 32u   /* FADER_SETPOINT count 1..32 */
#define LP_MAX_LED_ENTRIES 64u /* LED_SET count 1..64 */
#define LP_MAX_TEXT 248u       /* DISPLAY_TEXT: 0..248 characters */
#define LP_MAX_LEVELS 248u     /* METER_LEVELS: count >= 1, bounded by the payload limit */
#define LP_MAX_FADERS 48u      /* HELLO_ACK faders 0..48 */
#define LP_UID_LEN 8u
#define LP_HELLO_ACK_FIXED 29u /* HELLO_ACK bytes before the per-fader calibration (see NOTES) */
#define LP_RESET_MAGIC 0xA55Au
#define LP_CALIBRATE_ALL 0xFFu

/* Message types (§4). 0x01..0x3F host -> device, 0x40..0x7F device -> host. */
typedef enum {
    LP_HELLO = 0x01,
    LP_PING = 0x02,
    LP_FADER_SETPOINT = 0x03,
    LP_LED_SET = 0x04,
    LP_DISPLAY_TEXT = 0x05,
    LP_METER_LEVELS = 0x06,
    LP_CALIBRATE = 0x07,
    LP_RESET = 0x08,
    LP_HELLO_ACK = 0x41,
    LP_PONG = 0x42,
    LP_FADER_POSITION = 0x43,
    LP_TOUCH = 0x44,
    LP_BUTTON = 0x45,
    LP_ENCODER = 0x46,
    LP_CALIBRATE_RESULT = 0x47,
    LP_ACK = 0x48,
    LP_ERROR = 0x7F
} lp_type;

/* Error codes carried in ERROR.code and ACK.result (§4.2). */
typedef enum {
    LP_CODE_OK = 0, /* ACK only */
    LP_CODE_UNKNOWN_TYPE = 1,
    LP_CODE_BAD_LENGTH = 2,
    LP_CODE_BAD_VALUE = 3,
    LP_CODE_VERSION_MISMATCH = 4,
    LP_CODE_NOT_READY = 5,
    LP_CODE_BUSY = 6
} lp_code;
#define LP_CODE_MAX 6u

/* LED_SET states. */
typedef enum { LP_LED_OFF = 0, LP_LED_ON = 1, LP_LED_BLINK = 2 } lp_led_state;

/* PONG status bits. */
#define LP_STATUS_MOTORS_ENABLED 0x01u
#define LP_STATUS_CALIBRATING 0x02u
#define LP_STATUS_SAFE_STATE 0x04u
#define LP_STATUS_TOUCHED 0x08u
#define LP_STATUS_WATCHDOG_TRIPPED 0x10u

/*
 * Result of decoding. The error names match vectors.json's "error" field with '-' for '_':
 * cobs, too-short, too-long, crc, unknown-type, bad-length, bad-value.
 * LP_NONE is only returned by lp_stream_push: no frame completed with this byte.
 */
typedef enum {
    LP_OK = 0,
    LP_ERR_COBS,         /* §2.1 rule 2 ("framing") */
    LP_ERR_TOO_SHORT,    /* §2.1 rule 3 */
    LP_ERR_TOO_LONG,     /* §2.1 rules 1 and 3 */
    LP_ERR_CRC,          /* §2.1 rule 4 */
    LP_ERR_UNKNOWN_TYPE, /* valid CRC, type not in §4 */
    LP_ERR_BAD_LENGTH,   /* valid CRC, payload length wrong for the type (or its count) */
    LP_ERR_BAD_VALUE,    /* valid CRC, a field out of range */
    LP_NONE
} lp_result;
#define LP_RESULT_COUNT 8u /* LP_OK .. LP_ERR_BAD_VALUE: the size of lp_stream.counts */

/* Name of a result as spelt in vectors.json: "ok", "cobs", "too-short", ... "none". */
const char *lp_result_name(lp_result r);

/* The ERROR code a device answers a decodable-but-invalid host frame with (§2.1, §4.2):
 * unknown-type -> 1, bad-length -> 2, bad-value -> 3; LP_CODE_OK for anything else. */
lp_code lp_result_code(lp_result r);

typedef struct {
    uint8_t fader;
    uint16_t position;
} lp_setpoint;

typedef struct {
    uint8_t led;
    uint8_t state; /* lp_led_state */
} lp_led_entry;

typedef struct {
    uint16_t min; /* cal_min */
    uint16_t max; /* cal_max */
} lp_calibration;

/*
 * One message: `type` (an lp_type value) selects the member of `u`.
 * PING and RESET have no fields (RESET's magic is implied).
 */
typedef struct {
    uint8_t type;
    union {
        struct {
            uint8_t proto_major;
            uint8_t proto_minor;
            uint32_t host_nonce;
        } hello;
        struct {
            uint8_t count; /* 1..LP_MAX_SETPOINTS */
            lp_setpoint setpoints[LP_MAX_SETPOINTS];
        } fader_setpoint;
        struct {
            uint8_t count; /* 1..LP_MAX_LED_ENTRIES */
            lp_led_entry leds[LP_MAX_LED_ENTRIES];
        } led_set;
        struct {
            uint8_t display;
            uint8_t offset;
            uint8_t length;               /* 0..LP_MAX_TEXT */
            char text[LP_MAX_TEXT + 1u]; /* printable ASCII 0x20..0x7E; NUL-terminated on decode */
        } display_text;
        struct {
            uint8_t first;
            uint8_t count; /* 1..LP_MAX_LEVELS */
            uint8_t levels[LP_MAX_LEVELS];
        } meter_levels;
        struct {
            uint8_t fader; /* LP_CALIBRATE_ALL = every fader */
        } calibrate;
        struct {
            uint8_t proto_major;
            uint8_t proto_minor;
            uint8_t fw_major;
            uint8_t fw_minor;
            uint8_t fw_patch;
            uint8_t uid[LP_UID_LEN];
            uint32_t host_nonce;
            uint8_t faders;     /* 0..LP_MAX_FADERS; entries in `calibration` */
            uint8_t fader_bits; /* 1..16 */
            uint8_t touch_sensors;
            uint8_t motors;
            uint8_t buttons;
            uint8_t encoders;
            uint8_t leds;
            uint8_t displays;
            uint8_t display_chars;
            uint8_t meters;
            uint16_t max_rate_hz;
            lp_calibration calibration[LP_MAX_FADERS];
        } hello_ack;
        struct {
            uint8_t status; /* LP_STATUS_* bits */
            uint32_t uptime_ms;
            uint16_t crc_errors;
            uint16_t framing_errors;
            uint16_t overruns;
            uint16_t watchdog_trips;
        } pong;
        struct {
            uint8_t fader;
            uint16_t position;
        } fader_position;
        struct {
            uint8_t fader;
            bool touched;
            uint16_t position;
        } touch;
        struct {
            uint8_t button;
            bool pressed;
        } button;
        struct {
            uint8_t encoder;
            int8_t delta; /* -127..127 */
        } encoder;
        struct {
            uint8_t fader;
            uint16_t min;
            uint16_t max;
            bool ok;
        } calibrate_result;
        struct {
            uint8_t acked_type;
            uint8_t acked_seq;
            uint8_t result; /* lp_code; unknown values are kept, not refused */
        } ack;
        struct {
            uint8_t code; /* lp_code; unknown values are kept, not refused */
            uint8_t offending_type;
            uint8_t offending_seq;
        } error;
    } u;
} lp_message;

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0). */
uint16_t lp_crc16(const uint8_t *data, size_t len);
/* Incremental form: crc = lp_crc16_update(0xFFFF, ...) over the pieces. */
uint16_t lp_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/*
 * COBS-encode `len` bytes into `out` (no delimiter is appended). Returns the encoded length
 * (>= 1), or 0 if `cap` is too small. `in` and `out` must not overlap.
 */
size_t lp_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * COBS-decode `len` bytes (without the delimiter) into `out`. Returns false on a code byte of
 * 0x00, a 0x00 data byte, a code pointing past the end, or if the output would exceed `cap`.
 * On success *out_len is the decoded length (always < len, or 0 for len 0).
 * Decoding in place (out == in) is allowed.
 */
bool lp_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Encode a message as wire bytes: COBS(type | seq | payload | crc) followed by 0x00.
 * Returns the number of bytes written (at most LP_MAX_WIRE), or 0 if the message is invalid
 * (unknown type, a count or value out of range: the encoder never produces a frame the decoder
 * rejects) or `cap` is too small.
 */
size_t lp_encode_frame(const lp_message *msg, uint8_t seq, uint8_t *out, size_t cap);

/*
 * Encode an arbitrary type and payload (no validation of the payload; at most LP_MAX_PAYLOAD
 * bytes). For tests and for forwarding frames. Returns bytes written incl. the 0x00, or 0.
 */
size_t lp_encode_raw(uint8_t type, uint8_t seq, const uint8_t *payload, size_t len, uint8_t *out,
                     size_t cap);

/*
 * Decode one frame. `encoded` is the COBS bytes of one frame, with or without its trailing 0x00
 * delimiter (any other 0x00 is a COBS error). The checks, in order:
 *   encoded length > LP_MAX_ENCODED        -> LP_ERR_TOO_LONG
 *   COBS decoding fails                     -> LP_ERR_COBS
 *   decoded length < 4 / > 254              -> LP_ERR_TOO_SHORT / LP_ERR_TOO_LONG
 *   CRC mismatch                            -> LP_ERR_CRC
 *   type not in §4                          -> LP_ERR_UNKNOWN_TYPE
 *   payload length wrong (incl. vs. count)  -> LP_ERR_BAD_LENGTH
 *   a field out of range                    -> LP_ERR_BAD_VALUE
 * Once the CRC is valid (LP_OK, UNKNOWN_TYPE, BAD_LENGTH, BAD_VALUE), out->type holds the frame's
 * type byte and *seq its seq, so a device can answer ERROR{code, type, seq}. The other fields of
 * *out are meaningful only for LP_OK. `seq` may be NULL.
 */
lp_result lp_decode_frame(const uint8_t *encoded, size_t len, lp_message *out, uint8_t *seq);

/*
 * Parse a payload of a known `type` (the part of §4 after CRC checking). Same results as the last
 * three steps of lp_decode_frame; a payload longer than LP_MAX_PAYLOAD is LP_ERR_TOO_LONG.
 */
lp_result lp_decode_payload(uint8_t type, const uint8_t *payload, size_t len, lp_message *out);

/*
 * Streaming receiver (§2.1). Feed it every received byte. It collects up to LP_MAX_ENCODED bytes
 * up to a 0x00 and decodes them in place.
 *   - Empty frames (0x00 with nothing before it) are ignored: LP_NONE.
 *   - The 256th byte without a 0x00 returns LP_ERR_TOO_LONG at once; the rest of that frame is
 *     discarded silently up to the next 0x00, where reception resumes.
 *   - Every completed frame returns its lp_decode_frame result and is counted in
 *     counts[result] (counts[LP_OK] counts good frames). Counters wrap at 65535.
 */
typedef struct {
    uint8_t buf[LP_MAX_ENCODED];
    uint16_t len;
    bool discarding; /* overflowed: drop bytes up to the next 0x00 */
    uint16_t counts[LP_RESULT_COUNT];
} lp_stream;

void lp_stream_init(lp_stream *s);

/* Returns LP_NONE while a frame is incomplete, else the frame's result (LP_OK: *out and *seq hold
 * the message). For results other than LP_OK, see lp_decode_frame for what *out holds. */
lp_result lp_stream_push(lp_stream *s, uint8_t byte, lp_message *out, uint8_t *seq);

/* The PONG counters from a stream's counts (PROTOCOL.md §2.1):
 * crc_errors = crc; framing_errors = cobs + too-short; overruns = too-long. */
uint16_t lp_stream_crc_errors(const lp_stream *s);
uint16_t lp_stream_framing_errors(const lp_stream *s);
uint16_t lp_stream_overruns(const lp_stream *s);

/*
 * This codec was written from PROTOCOL.md alone. The gaps found in doing so (HELLO_ACK size, COBS
 * form, error names and order, counters, forward-compatible codes, nonce 0, message direction,
 * cross-field checks) are settled in PROTOCOL.md 1.0 §2, §2.1, §3.1 and §4.2; this code follows
 * them. Cross-field consistency (cal_min <= cal_max, duplicate faders, first + count) is the
 * application's job, not the codec's (§2.1).
 */

#ifdef __cplusplus
}
#endif

#endif /* LATHE_PROTO_H */
