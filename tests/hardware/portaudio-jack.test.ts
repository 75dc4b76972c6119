import { describe } from 'vitest';
import { loadNaudiodonBinding } from '../../engine/index.ts';
import { portAudioContract } from '../engine/portaudio-contract.ts';
import { JACK_SERVER, useJackServer } from '../support/jack.ts';

// The same contract as the fake, on real naudiodon/PortAudio through a JACK dummy server.
describe.skipIf(JACK_SERVER === undefined)('PortAudio contract on JACK (jackloop)', () => {
  if (JACK_SERVER !== undefined) useJackServer(JACK_SERVER);
  portAudioContract(() => loadNaudiodonBinding(), 'jackloop');
});
