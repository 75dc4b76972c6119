/*
 * lathe_proto.c - C reference codec of the Lathe fader firmware protocol, version 1.0.
 * See lathe_proto.h. C99, no allocation, no recursion, only <string.h> from libc.
 */
#include "lathe_proto.h"

#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Names
 */

const char *lp_result_name(lp_result r)
{
    switch (r) {
    case LP_OK: return "ok";
    case LP_ERR_COBS: return "cobs";
    case LP_ERR_TOO_SHORT: return "too-short";
    case LP_ERR_TOO_LONG: return "too-long";
    case LP_ERR_CRC: return "crc";
    case LP_ERR_UNKNOWN_TYPE: return "unknown-type";
    case LP_ERR_BAD_LENGTH: return "bad-length";
    case LP_ERR_BAD_VALUE: return "bad-value";
    case LP_NONE: return "none";
    default: return "?";
    }
}

lp_code lp_result_code(lp_result r)
{
    switch (r) {
    case LP_ERR_UNKNOWN_TYPE: return LP_CODE_UNKNOWN_TYPE;
    case LP_ERR_BAD_LENGTH: return LP_CODE_BAD_LENGTH;
    case LP_ERR_BAD_VALUE: return LP_CODE_BAD_VALUE;
    default: return LP_CODE_OK;
    }
}

/* ---------------------------------------------------------------------------------------------
 * CRC-16/CCITT-FALSE, bitwise, exactly as §2 defines it.
 */

uint16_t lp_crc16_update(uint16_t crc, const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned bit;
        crc = (uint16_t)(crc ^ (uint16_t)((unsigned)data[i] << 8));
        for (bit = 0; bit < 8u; bit++) {
            if (crc & 0x8000u) {
                crc = (uint16_t)((unsigned)(crc << 1) ^ 0x1021u);
            } else {
                crc = (uint16_t)(crc << 1);
            }
        }
    }
    return crc;
}

uint16_t lp_crc16(const uint8_t *data, size_t len)
{
    return lp_crc16_update(0xFFFFu, data, len);
}

/* ---------------------------------------------------------------------------------------------
 * COBS
 */

size_t lp_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t i;
    size_t o;
    size_t code_pos;
    uint8_t code;
    bool open;

    if (cap < 1u) {
        return 0;
    }
    code_pos = 0;
    o = 1;
    code = 1;
    open = true;
    for (i = 0; i < len; i++) {
        if (!open) { /* a 0xFF block ended and more data follows: start a block */
            if (o >= cap) {
                return 0;
            }
            code_pos = o++;
            code = 1;
            open = true;
        }
        if (in[i] == 0u) {
            out[code_pos] = code;
            if (o >= cap) {
                return 0;
            }
            code_pos = o++;
            code = 1;
        } else {
            if (o >= cap) {
                return 0;
            }
            out[o++] = in[i];
            code++;
            if (code == 0xFFu) {
                out[code_pos] = code;
                open = false;
            }
        }
    }
    if (open) {
        out[code_pos] = code;
    }
    return o;
}

bool lp_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t i = 0;
    size_t o = 0;

    while (i < len) {
        size_t n;
        size_t k;
        uint8_t code = in[i++];
        if (code == 0u) {
            return false; /* a code byte of 0x00 */
        }
        n = (size_t)code - 1u;
        if (n > len - i) {
            return false; /* code pointing past the end */
        }
        for (k = 0; k < n; k++) {
            uint8_t b = in[i++];
            if (b == 0u || o >= cap) {
                return false;
            }
            out[o++] = b;
        }
        if (code != 0xFFu && i < len) {
            if (o >= cap) {
                return false;
            }
            out[o++] = 0u;
        }
    }
    if (out_len != NULL) {
        *out_len = o;
    }
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Little-endian helpers
 */

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] | ((unsigned)p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
    p[3] = (uint8_t)(v >> 24);
}

static bool printable(uint8_t c)
{
    return c >= 0x20u && c <= 0x7Eu;
}

/* ---------------------------------------------------------------------------------------------
 * Payload parsing (§4)
 */

lp_result lp_decode_payload(uint8_t type, const uint8_t *p, size_t n, lp_message *m)
{
    size_t k;

    m->type = type;
    if (n > LP_MAX_PAYLOAD) {
        return LP_ERR_TOO_LONG;
    }
    switch (type) {
    case LP_HELLO:
        if (n != 6u) {
            return LP_ERR_BAD_LENGTH;
        }
        m->u.hello.proto_major = p[0];
        m->u.hello.proto_minor = p[1];
        m->u.hello.host_nonce = get_u32(p + 2);
        return LP_OK;

    case LP_PING:
        return n == 0u ? LP_OK : LP_ERR_BAD_LENGTH;

    case LP_FADER_SETPOINT: {
        uint8_t count;
        if (n < 1u) {
            return LP_ERR_BAD_LENGTH;
        }
        count = p[0];
        if (n != 1u + 3u * (size_t)count) {
            return LP_ERR_BAD_LENGTH;
        }
        if (count < 1u || count > LP_MAX_SETPOINTS) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.fader_setpoint.count = count;
        for (k = 0; k < count; k++) {
            m->u.fader_setpoint.setpoints[k].fader = p[1u + 3u * k];
            m->u.fader_setpoint.setpoints[k].position = get_u16(p + 2u + 3u * k);
        }
        return LP_OK;
    }

    case LP_LED_SET: {
        uint8_t count;
        if (n < 1u) {
            return LP_ERR_BAD_LENGTH;
        }
        count = p[0];
        if (n != 1u + 2u * (size_t)count) {
            return LP_ERR_BAD_LENGTH;
        }
        if (count < 1u || count > LP_MAX_LED_ENTRIES) {
            return LP_ERR_BAD_VALUE;
        }
        for (k = 0; k < count; k++) {
            uint8_t state = p[2u + 2u * k];
            if (state > (uint8_t)LP_LED_BLINK) {
                return LP_ERR_BAD_VALUE;
            }
            m->u.led_set.leds[k].led = p[1u + 2u * k];
            m->u.led_set.leds[k].state = state;
        }
        m->u.led_set.count = count;
        return LP_OK;
    }

    case LP_DISPLAY_TEXT: {
        size_t len;
        if (n < 2u) {
            return LP_ERR_BAD_LENGTH;
        }
        len = n - 2u; /* <= LP_MAX_TEXT because n <= LP_MAX_PAYLOAD */
        for (k = 0; k < len; k++) {
            if (!printable(p[2u + k])) {
                return LP_ERR_BAD_VALUE;
            }
            m->u.display_text.text[k] = (char)p[2u + k];
        }
        m->u.display_text.text[len] = '\0';
        m->u.display_text.display = p[0];
        m->u.display_text.offset = p[1];
        m->u.display_text.length = (uint8_t)len;
        return LP_OK;
    }

    case LP_METER_LEVELS: {
        uint8_t count;
        if (n < 2u) {
            return LP_ERR_BAD_LENGTH;
        }
        count = p[1];
        if (n != 2u + (size_t)count) { /* so count <= LP_MAX_LEVELS */
            return LP_ERR_BAD_LENGTH;
        }
        if (count < 1u) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.meter_levels.first = p[0];
        m->u.meter_levels.count = count;
        memcpy(m->u.meter_levels.levels, p + 2, count);
        return LP_OK;
    }

    case LP_CALIBRATE:
        if (n != 1u) {
            return LP_ERR_BAD_LENGTH;
        }
        m->u.calibrate.fader = p[0];
        return LP_OK;

    case LP_RESET:
        if (n != 2u) {
            return LP_ERR_BAD_LENGTH;
        }
        return get_u16(p) == LP_RESET_MAGIC ? LP_OK : LP_ERR_BAD_VALUE;

    case LP_HELLO_ACK: {
        uint8_t faders;
        if (n < LP_HELLO_ACK_FIXED) {
            return LP_ERR_BAD_LENGTH;
        }
        faders = p[17];
        if (n != LP_HELLO_ACK_FIXED + 4u * (size_t)faders) {
            return LP_ERR_BAD_LENGTH;
        }
        if (faders > LP_MAX_FADERS || p[18] < 1u || p[18] > 16u) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.hello_ack.proto_major = p[0];
        m->u.hello_ack.proto_minor = p[1];
        m->u.hello_ack.fw_major = p[2];
        m->u.hello_ack.fw_minor = p[3];
        m->u.hello_ack.fw_patch = p[4];
        memcpy(m->u.hello_ack.uid, p + 5, LP_UID_LEN);
        m->u.hello_ack.host_nonce = get_u32(p + 13);
        m->u.hello_ack.faders = faders;
        m->u.hello_ack.fader_bits = p[18];
        m->u.hello_ack.touch_sensors = p[19];
        m->u.hello_ack.motors = p[20];
        m->u.hello_ack.buttons = p[21];
        m->u.hello_ack.encoders = p[22];
        m->u.hello_ack.leds = p[23];
        m->u.hello_ack.displays = p[24];
        m->u.hello_ack.display_chars = p[25];
        m->u.hello_ack.meters = p[26];
        m->u.hello_ack.max_rate_hz = get_u16(p + 27);
        for (k = 0; k < faders; k++) {
            m->u.hello_ack.calibration[k].min = get_u16(p + LP_HELLO_ACK_FIXED + 4u * k);
            m->u.hello_ack.calibration[k].max = get_u16(p + LP_HELLO_ACK_FIXED + 4u * k + 2u);
        }
        return LP_OK;
    }

    case LP_PONG:
        if (n != 13u) {
            return LP_ERR_BAD_LENGTH;
        }
        m->u.pong.status = p[0];
        m->u.pong.uptime_ms = get_u32(p + 1);
        m->u.pong.crc_errors = get_u16(p + 5);
        m->u.pong.framing_errors = get_u16(p + 7);
        m->u.pong.overruns = get_u16(p + 9);
        m->u.pong.watchdog_trips = get_u16(p + 11);
        return LP_OK;

    case LP_FADER_POSITION:
        if (n != 3u) {
            return LP_ERR_BAD_LENGTH;
        }
        m->u.fader_position.fader = p[0];
        m->u.fader_position.position = get_u16(p + 1);
        return LP_OK;

    case LP_TOUCH:
        if (n != 4u) {
            return LP_ERR_BAD_LENGTH;
        }
        if (p[1] > 1u) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.touch.fader = p[0];
        m->u.touch.touched = p[1] != 0u;
        m->u.touch.position = get_u16(p + 2);
        return LP_OK;

    case LP_BUTTON:
        if (n != 2u) {
            return LP_ERR_BAD_LENGTH;
        }
        if (p[1] > 1u) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.button.button = p[0];
        m->u.button.pressed = p[1] != 0u;
        return LP_OK;

    case LP_ENCODER:
        if (n != 2u) {
            return LP_ERR_BAD_LENGTH;
        }
        if (p[1] == 0x80u) {
            return LP_ERR_BAD_VALUE; /* -128 */
        }
        m->u.encoder.encoder = p[0];
        /* two's complement without implementation-defined conversion */
        m->u.encoder.delta = p[1] < 0x80u ? (int8_t)p[1] : (int8_t)(-(int)(0x100u - (unsigned)p[1]));
        return LP_OK;

    case LP_CALIBRATE_RESULT:
        if (n != 6u) {
            return LP_ERR_BAD_LENGTH;
        }
        if (p[5] > 1u) {
            return LP_ERR_BAD_VALUE;
        }
        m->u.calibrate_result.fader = p[0];
        m->u.calibrate_result.min = get_u16(p + 1);
        m->u.calibrate_result.max = get_u16(p + 3);
        m->u.calibrate_result.ok = p[5] != 0u;
        return LP_OK;

    case LP_ACK:
        if (n != 3u) {
            return LP_ERR_BAD_LENGTH;
        }
        /* Any result is accepted: a newer minor version may add codes (PROTOCOL.md §4.2). */
        m->u.ack.acked_type = p[0];
        m->u.ack.acked_seq = p[1];
        m->u.ack.result = p[2];
        return LP_OK;

    case LP_ERROR:
        if (n != 3u) {
            return LP_ERR_BAD_LENGTH;
        }
        /* Any code is accepted: a newer minor version may add codes (PROTOCOL.md §4.2). */
        m->u.error.code = p[0];
        m->u.error.offending_type = p[1];
        m->u.error.offending_seq = p[2];
        return LP_OK;

    default:
        return LP_ERR_UNKNOWN_TYPE;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Payload building: validates like lp_decode_payload. Returns the payload length, or -1.
 */

static int build_payload(const lp_message *m, uint8_t *p)
{
    size_t k;

    switch (m->type) {
    case LP_HELLO:
        p[0] = m->u.hello.proto_major;
        p[1] = m->u.hello.proto_minor;
        put_u32(p + 2, m->u.hello.host_nonce);
        return 6;

    case LP_PING:
        return 0;

    case LP_FADER_SETPOINT: {
        uint8_t count = m->u.fader_setpoint.count;
        if (count < 1u || count > LP_MAX_SETPOINTS) {
            return -1;
        }
        p[0] = count;
        for (k = 0; k < count; k++) {
            p[1u + 3u * k] = m->u.fader_setpoint.setpoints[k].fader;
            put_u16(p + 2u + 3u * k, m->u.fader_setpoint.setpoints[k].position);
        }
        return 1 + 3 * (int)count;
    }

    case LP_LED_SET: {
        uint8_t count = m->u.led_set.count;
        if (count < 1u || count > LP_MAX_LED_ENTRIES) {
            return -1;
        }
        p[0] = count;
        for (k = 0; k < count; k++) {
            if (m->u.led_set.leds[k].state > (uint8_t)LP_LED_BLINK) {
                return -1;
            }
            p[1u + 2u * k] = m->u.led_set.leds[k].led;
            p[2u + 2u * k] = m->u.led_set.leds[k].state;
        }
        return 1 + 2 * (int)count;
    }

    case LP_DISPLAY_TEXT: {
        uint8_t len = m->u.display_text.length;
        if (len > LP_MAX_TEXT) {
            return -1;
        }
        p[0] = m->u.display_text.display;
        p[1] = m->u.display_text.offset;
        for (k = 0; k < len; k++) {
            uint8_t c = (uint8_t)m->u.display_text.text[k];
            if (!printable(c)) {
                return -1;
            }
            p[2u + k] = c;
        }
        return 2 + (int)len;
    }

    case LP_METER_LEVELS: {
        uint8_t count = m->u.meter_levels.count;
        if (count < 1u || count > LP_MAX_LEVELS) {
            return -1;
        }
        p[0] = m->u.meter_levels.first;
        p[1] = count;
        memcpy(p + 2, m->u.meter_levels.levels, count);
        return 2 + (int)count;
    }

    case LP_CALIBRATE:
        p[0] = m->u.calibrate.fader;
        return 1;

    case LP_RESET:
        put_u16(p, LP_RESET_MAGIC);
        return 2;

    case LP_HELLO_ACK: {
        uint8_t faders = m->u.hello_ack.faders;
        if (faders > LP_MAX_FADERS || m->u.hello_ack.fader_bits < 1u || m->u.hello_ack.fader_bits > 16u) {
            return -1;
        }
        p[0] = m->u.hello_ack.proto_major;
        p[1] = m->u.hello_ack.proto_minor;
        p[2] = m->u.hello_ack.fw_major;
        p[3] = m->u.hello_ack.fw_minor;
        p[4] = m->u.hello_ack.fw_patch;
        memcpy(p + 5, m->u.hello_ack.uid, LP_UID_LEN);
        put_u32(p + 13, m->u.hello_ack.host_nonce);
        p[17] = faders;
        p[18] = m->u.hello_ack.fader_bits;
        p[19] = m->u.hello_ack.touch_sensors;
        p[20] = m->u.hello_ack.motors;
        p[21] = m->u.hello_ack.buttons;
        p[22] = m->u.hello_ack.encoders;
        p[23] = m->u.hello_ack.leds;
        p[24] = m->u.hello_ack.displays;
        p[25] = m->u.hello_ack.display_chars;
        p[26] = m->u.hello_ack.meters;
        put_u16(p + 27, m->u.hello_ack.max_rate_hz);
        for (k = 0; k < faders; k++) {
            put_u16(p + LP_HELLO_ACK_FIXED + 4u * k, m->u.hello_ack.calibration[k].min);
            put_u16(p + LP_HELLO_ACK_FIXED + 4u * k + 2u, m->u.hello_ack.calibration[k].max);
        }
        return (int)LP_HELLO_ACK_FIXED + 4 * (int)faders;
    }

    case LP_PONG:
        p[0] = m->u.pong.status;
        put_u32(p + 1, m->u.pong.uptime_ms);
        put_u16(p + 5, m->u.pong.crc_errors);
        put_u16(p + 7, m->u.pong.framing_errors);
        put_u16(p + 9, m->u.pong.overruns);
        put_u16(p + 11, m->u.pong.watchdog_trips);
        return 13;

    case LP_FADER_POSITION:
        p[0] = m->u.fader_position.fader;
        put_u16(p + 1, m->u.fader_position.position);
        return 3;

    case LP_TOUCH:
        p[0] = m->u.touch.fader;
        p[1] = m->u.touch.touched ? 1u : 0u;
        put_u16(p + 2, m->u.touch.position);
        return 4;

    case LP_BUTTON:
        p[0] = m->u.button.button;
        p[1] = m->u.button.pressed ? 1u : 0u;
        return 2;

    case LP_ENCODER:
        if (m->u.encoder.delta < -127) {
            return -1;
        }
        p[0] = m->u.encoder.encoder;
        p[1] = (uint8_t)((unsigned)(m->u.encoder.delta + 256) & 0xFFu);
        return 2;

    case LP_CALIBRATE_RESULT:
        p[0] = m->u.calibrate_result.fader;
        put_u16(p + 1, m->u.calibrate_result.min);
        put_u16(p + 3, m->u.calibrate_result.max);
        p[5] = m->u.calibrate_result.ok ? 1u : 0u;
        return 6;

    case LP_ACK:
        p[0] = m->u.ack.acked_type;
        p[1] = m->u.ack.acked_seq;
        p[2] = m->u.ack.result;
        return 3;

    case LP_ERROR:
        p[0] = m->u.error.code;
        p[1] = m->u.error.offending_type;
        p[2] = m->u.error.offending_seq;
        return 3;

    default:
        return -1;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Frames
 */

/* frame[0..1] = type, seq; frame[2..2+len) = payload. Appends the CRC and writes the wire bytes. */
static size_t finish_frame(uint8_t *frame, size_t payload_len, uint8_t *out, size_t cap)
{
    size_t n = 2u + payload_len;
    size_t written;
    uint16_t crc = lp_crc16(frame, n);
    frame[n] = (uint8_t)(crc & 0xFFu);
    frame[n + 1u] = (uint8_t)(crc >> 8);
    n += 2u;
    if (cap < 2u) {
        return 0;
    }
    written = lp_cobs_encode(frame, n, out, cap - 1u);
    if (written == 0u) {
        return 0;
    }
    out[written] = 0u;
    return written + 1u;
}

size_t lp_encode_frame(const lp_message *msg, uint8_t seq, uint8_t *out, size_t cap)
{
    uint8_t frame[LP_MAX_FRAME];
    int len;

    if (msg == NULL || out == NULL) {
        return 0;
    }
    len = build_payload(msg, frame + 2);
    if (len < 0 || (size_t)len > LP_MAX_PAYLOAD) {
        return 0;
    }
    frame[0] = msg->type;
    frame[1] = seq;
    return finish_frame(frame, (size_t)len, out, cap);
}

size_t lp_encode_raw(uint8_t type, uint8_t seq, const uint8_t *payload, size_t len, uint8_t *out,
                     size_t cap)
{
    uint8_t frame[LP_MAX_FRAME];

    if (out == NULL || len > LP_MAX_PAYLOAD || (payload == NULL && len != 0u)) {
        return 0;
    }
    frame[0] = type;
    frame[1] = seq;
    if (len != 0u) {
        memcpy(frame + 2, payload, len);
    }
    return finish_frame(frame, len, out, cap);
}

/* Checks a COBS-decoded frame (length, CRC) and parses it. */
static lp_result check_frame(const uint8_t *frame, size_t n, lp_message *out, uint8_t *seq)
{
    uint16_t crc;

    if (n < LP_MIN_FRAME) {
        return LP_ERR_TOO_SHORT;
    }
    if (n > LP_MAX_FRAME) {
        return LP_ERR_TOO_LONG;
    }
    crc = lp_crc16(frame, n - 2u);
    if (get_u16(frame + n - 2u) != crc) {
        return LP_ERR_CRC;
    }
    if (seq != NULL) {
        *seq = frame[1];
    }
    return lp_decode_payload(frame[0], frame + 2, n - 4u, out);
}

lp_result lp_decode_frame(const uint8_t *encoded, size_t len, lp_message *out, uint8_t *seq)
{
    uint8_t frame[LP_MAX_FRAME];
    size_t n;

    if (len > 0u && encoded[len - 1u] == 0u) {
        len--; /* the delimiter */
    }
    if (len > LP_MAX_ENCODED) {
        return LP_ERR_TOO_LONG;
    }
    if (!lp_cobs_decode(encoded, len, frame, sizeof frame, &n)) {
        return LP_ERR_COBS;
    }
    return check_frame(frame, n, out, seq);
}

/* ---------------------------------------------------------------------------------------------
 * Streaming receiver
 */

void lp_stream_init(lp_stream *s)
{
    memset(s, 0, sizeof *s);
}

static lp_result tally(lp_stream *s, lp_result r)
{
    s->counts[r] = (uint16_t)(s->counts[r] + 1u);
    return r;
}

lp_result lp_stream_push(lp_stream *s, uint8_t byte, lp_message *out, uint8_t *seq)
{
    size_t n;
    size_t len;

    if (byte != 0u) {
        if (s->discarding) {
            return LP_NONE;
        }
        if (s->len >= LP_MAX_ENCODED) {
            /* more than 255 bytes before a 0x00 (§2.1 rule 1) */
            s->discarding = true;
            s->len = 0;
            return tally(s, LP_ERR_TOO_LONG);
        }
        s->buf[s->len++] = byte;
        return LP_NONE;
    }

    /* 0x00: end of frame */
    len = s->len;
    s->len = 0;
    if (s->discarding) {
        s->discarding = false;
        return LP_NONE;
    }
    if (len == 0u) {
        return LP_NONE; /* empty frame: ignored */
    }
    /* decode in place: COBS output never overtakes its input */
    if (!lp_cobs_decode(s->buf, len, s->buf, sizeof s->buf, &n)) {
        return tally(s, LP_ERR_COBS);
    }
    return tally(s, check_frame(s->buf, n, out, seq));
}

uint16_t lp_stream_crc_errors(const lp_stream *s)
{
    return s->counts[LP_ERR_CRC];
}

uint16_t lp_stream_framing_errors(const lp_stream *s)
{
    return (uint16_t)(s->counts[LP_ERR_COBS] + s->counts[LP_ERR_TOO_SHORT]);
}

uint16_t lp_stream_overruns(const lp_stream *s)
{
    return s->counts[LP_ERR_TOO_LONG];
}
