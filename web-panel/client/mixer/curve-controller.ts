/**
 * CurveController: keeps a processor's response curve (GET /api/curves/<processor>) current. The
 * host says which processor and a key that changes whenever a parameter the curve depends on
 * changes; the controller refetches on a new key, one request at a time (a burst of changes
 * during a drag costs one request per round trip, and the last state is always fetched).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ParamInfo } from '../../protocol/index.ts';
import { apiCall } from '../api-client.ts';

/** The server's curve: dB per frequency for each named curve (see web-panel/server/response-curves.ts). */
export interface ResponseCurve {
  readonly processor: string;
  readonly sampleRate: number;
  readonly frequencies: readonly number[];
  readonly curves: Readonly<Record<string, readonly number[]>>;
  readonly markers: readonly number[];
}

export interface CurveRequest {
  /** `strip/01/eq`, `master/eq`, `master/multiband`; null: no curve. */
  readonly processor: string | null;
  /** Changes whenever the curve would (see curveKey). */
  readonly key: string;
  readonly points: number;
}

/** A key from the values of the parameters of `group` under `owner` (`strip/01`, `master`). */
export function curveKey(params: Iterable<ParamInfo>, owner: string, group: string): string {
  const prefix = `${owner}/`;
  const parts: number[] = [];
  for (const info of params)
    if (info.group === group && info.param.startsWith(prefix)) parts.push(info.value);
  return parts.join(',');
}

export class CurveController implements ReactiveController {
  curve: ResponseCurve | null = null;
  error: string | null = null;
  private readonly host: ReactiveControllerHost;
  private readonly request: () => CurveRequest;
  private fetchedKey: string | null = null;
  private inFlight = false;
  private connected = false;

  constructor(host: ReactiveControllerHost, request: () => CurveRequest) {
    this.host = host;
    this.request = request;
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    this.fetchedKey = null;
  }

  hostDisconnected(): void {
    this.connected = false;
  }

  hostUpdate(): void {
    this.maybeFetch();
  }

  private maybeFetch(): void {
    const { processor, key, points } = this.request();
    if (processor === null || !this.connected || this.inFlight) return;
    const full = `${processor}|${points}|${key}`;
    if (full === this.fetchedKey) return;
    this.fetchedKey = full;
    this.inFlight = true;
    apiCall<ResponseCurve>('GET', `/api/curves/${processor}?points=${points}`)
      .then((curve) => {
        this.curve = curve;
        this.error = null;
      })
      .catch((error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        this.inFlight = false;
        this.host.requestUpdate();
        // A change that came in while the request was out is fetched now.
        this.maybeFetch();
      });
  }
}
