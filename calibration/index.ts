// Public entry of calibration: room measurement and correction maths (pure functions, no I/O).
// Empty until the room calibration issue.
export {};
