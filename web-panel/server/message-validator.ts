import { Compile } from 'typebox/compile';
import {
  ClientMessage,
  MetersSubscribeMessage,
  ParamSetMessage,
  ParamSetPositionMessage,
  type ClientMessage as ClientMessageType,
} from '../protocol/index.ts';

const byType = {
  'param.set': Compile(ParamSetMessage),
  'param.setPosition': Compile(ParamSetPositionMessage),
  'meters.subscribe': Compile(MetersSubscribeMessage),
} as const;
const whole = Compile(ClientMessage);

export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessageType }
  | {
      readonly ok: false;
      readonly code: 'LATHE_MESSAGE_NOT_JSON' | 'LATHE_MESSAGE_INVALID';
      readonly error: string;
      readonly id: number | null;
    };

const MAX_MESSAGE_BYTES = 16 * 1024;
/** The largest `id` a request may carry (RequestId in messages.ts). */
const MAX_REQUEST_ID = 2 ** 31 - 1;

/**
 * Parses and validates one text frame from a browser. Schemas are compiled once; the error
 * names the field that is wrong for the message's own type rather than every union branch.
 */
export function parseClientMessage(text: string): ParsedClientMessage {
  if (text.length > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      code: 'LATHE_MESSAGE_INVALID',
      error: `message longer than ${MAX_MESSAGE_BYTES} bytes`,
      id: null,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'LATHE_MESSAGE_NOT_JSON', error: (error as Error).message, id: null };
  }
  if (whole.Check(data)) return { ok: true, message: data };
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  // Echo the id only when it is a valid request id: the reply must itself match ReplyMessage.
  const rawId = record['id'];
  const id =
    typeof rawId === 'number' && Number.isInteger(rawId) && rawId >= 0 && rawId <= MAX_REQUEST_ID
      ? rawId
      : null;
  const type = record['type'];
  if (typeof type !== 'string' || !Object.hasOwn(byType, type)) {
    return {
      ok: false,
      code: 'LATHE_MESSAGE_INVALID',
      error: `"type" must be one of ${Object.keys(byType).join(', ')}`,
      id,
    };
  }
  const [first] = byType[type as keyof typeof byType].Errors(data);
  const where = first?.instancePath === '' || first === undefined ? 'message' : first.instancePath;
  const what =
    first?.keyword === 'additionalProperties' || first?.keyword === 'boolean'
      ? 'is not a known field'
      : (first?.message ?? 'is invalid');
  return { ok: false, code: 'LATHE_MESSAGE_INVALID', error: `${type}: ${where} ${what}`, id };
}
