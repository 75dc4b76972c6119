// Public entry of firmware-protocol: the wire format shared with our fader firmware.
// Empty until the firmware protocol issue; the folder exists so the layout and import rules hold.
export {};
