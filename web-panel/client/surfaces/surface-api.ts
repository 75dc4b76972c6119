/**
 * The surface and device routes as the Surfaces & devices page calls them
 * (web-panel/server/surface-routes.ts, device-routes.ts); coded errors throw ApiError.
 */
import { apiCall } from '../api-client.ts';
import type { DeviceListing, SurfacePage, SurfaceStatus } from '../../protocol/index.ts';

export interface LearnedControl {
  readonly param: string;
  readonly source: string;
}

const surface = (id: string): string => `/api/surfaces/${encodeURIComponent(id)}`;

export const surfaceApi = {
  list: () => apiCall<{ surfaces: SurfaceStatus[] }>('GET', '/api/surfaces'),
  pages: (id: string) => apiCall<{ pages: SurfacePage[] }>('GET', `${surface(id)}/pages`),
  setBankOffset: (id: string, bankOffset: number) =>
    apiCall<SurfaceStatus>('PUT', surface(id), { bankOffset }),
  setPage: (id: string, page: string) => apiCall<SurfaceStatus>('PUT', surface(id), { page }),
  learn: (param: string, timeoutS: number) =>
    apiCall<LearnedControl>('POST', '/api/surfaces/learn', { param, timeoutS }),
  cancelLearn: () => apiCall<undefined>('DELETE', '/api/surfaces/learn'),
  devices: (refresh: boolean) => apiCall<DeviceListing>('GET', `/api/devices${refresh ? '?refresh=1' : ''}`),
  resetXruns: () => apiCall<undefined>('POST', '/api/status/reset-xruns'),
};
