/** An audio device as PortAudio reports it. */
export interface AudioDeviceInfo {
  readonly id: number;
  readonly name: string;
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
}
