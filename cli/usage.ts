export const USAGE = `Usage: lathe <command> [options]

Commands:
  start     Run the console: audio engine and web panel
            --host H        address the panel listens on (default 127.0.0.1); any other than
                            loopback requires a token: the banner prints the URL with it
            --token-file PATH  the panel token (default ~/.local/share/lathe/panel-token, made
                            on first use, mode 0600; LATHE_PANEL_TOKEN overrides the default)
            --allow-origin URL  another page origin allowed to open the panel's WebSocket, e.g.
                            a TLS proxy's https://studio.example (repeatable)
            --port P        panel port (default 8080)
            --audio DEVICE  audio device name as \`lathe devices\` lists it, or "virtual"
                            (default: the first real audio interface, else the virtual one)
            --rate HZ       sample rate: 44100 48000 88200 96000 176400 192000 (default 48000)
            --block N       frames per block, a power of two 16..4096 (default 128)
            --serial PATH   a Lathe motor-fader board on this serial port (reconnects by itself)
            --mix FILE      load a mix document (docs/mix-document.md); on the virtual interface
                            its stems play, looping (default there: the demo mix)
            --session NAME  open a stored session: its strips, stems, values and automation
            --restore-autosave  with --session: open its newest autosave, not its last save
            --db FILE       session database (default ~/.local/share/lathe/lathe.db)
            --surface PROFILE:PORT  a Mackie Control/HUI surface on a MIDI port (repeatable, in
                            order: main unit, then extenders); \`lathe devices\` shows the matches
  render    Bounce a mix or master a file offline, through the same DSP as the console
            --mix FILE.json   bounce a mix document through strips, auxes and the master chain
            --input IN.wav    or: run a stereo WAV/AIFF file through the master chain only
            --album ALBUM.json  or: master an album (docs/album-document.md) into the folder
                              --out DIR: album.wav, album.cue and one file per track
            --out OUT.wav     output (Broadcast Wave; written complete or not at all)
            --target NAME|LUFS  land the delivered file on a loudness target: spotify apple
                              youtube tidal amazon ebu-r128 atsc-a85 aes-td1008 cd, or LUFS
                              (docs/loudness-targets.md); the ceiling is the target's
            --ceiling DBTP    limiter ceiling, -12..0 dBTP (default: the target's, else the
                              mix's, else -1)
            --bits 16|24|32f  output word length (default: the target's, else 24)
            --rate HZ         output sample rate; inputs are converted (mastering-quality SRC)
                              (default: the target's, else the input's)
            --dither tpdf|shaped|none   when reducing word length (default tpdf; none for 32f)
            --json            print the report (loudness, true peak, speed) as JSON
  sessions list|export|import   The session database (docs/session-document.md)
            list [--json]                   sessions with their versions and snapshots
            export NAME [--out FILE.json]   one JSON document (to stdout without --out)
            import FILE.json [--name NAME]  add a session (older formats are migrated)
            --db FILE                       session database (default as for start)
  room sweep|analyze|correct   Room measurement and correction from files
            sweep --out FILE.wav [--rate HZ] [--seconds S] [--start HZ] [--end HZ] [--level DBFS]
                    an exponential sine sweep to play (default 48000 Hz, 5.46 s, 20-20000 Hz, -12 dBFS RMS)
            analyze --sweep FILE --recording FILE [--loopback FILE] [--mic-cal FILE] [--json]
                    delay, level (500 Hz-2 kHz), noise floor and the response (1/48 octave)
            correct (--sweep FILE --recording FILE ... | --analysis FILE.json) [--target flat|NAME|FILE]
                    [--range LO-HI] [--max-boost DB] [--json] [--format rew|eqapo|camilladsp [--out FILE]]
                    [--save-profile NAME [--db FILE]]
                    parametric EQ fitted to the target (cuts preferred, boosts at most +3 dB each, +6 total)
  devices   List audio devices (channels, rates), MIDI ports and serial ports
            --json          machine-readable output
  set       Set a parameter on a running console: lathe set <param> <value> [--host H] [--port P]
            [--token-file PATH]  (sends the panel token as start stored it, or LATHE_PANEL_TOKEN)
            e.g. lathe set strip/01/fader -6   (values in plain units: dB, pan -1..1, mute 0/1)
  surface-sim --serial PATH [--faders N] [--uid HEX]
            Simulate a motor-fader board on a serial port (firmware-protocol/PROTOCOL.md);
            script the hand with JSON lines on stdin, read events as JSON lines on stdout
            --serial PATH   the port the board sits on, e.g. one end of a socat pty pair
            --faders N      number of faders 1..48 (default 8)
            --uid HEX       board uid, 16 hex digits (default: derived from the path)
  analyze FILE... [--json]
            Measure WAV files offline: loudness (I, LRA, max M/S), true and sample peak, PLR,
            and QC (clipped runs, true-peak overs, DC offset, L/R correlation, mono fold,
            leading/trailing silence, NaN/Inf samples). Exit 1 if any file failed.
            --json          one JSON object per file, one per line
  help      Show this text

Exit codes: 0 ok, 1 runtime error, 2 usage error.`;
