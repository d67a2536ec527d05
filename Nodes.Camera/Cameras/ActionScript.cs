namespace Workflow.Nodes.Camera.Cameras;

/// <summary>One "&lt;keys&gt;-&lt;frames&gt;" segment of an action string, as written (whitespace removed).</summary>
internal sealed record ActionSegment(string Text, HeldKeys Keys, int Frames);

/// <summary>
/// A parsed action string, SANA-WM's camera DSL: comma-separated "&lt;keys&gt;-&lt;frames&gt;" segments such as
/// "w-80,jw-40,w-40", each holding its keys (w a s d i j k l, any case, or "none") for that many frames.
/// The grammar and its error messages follow diffusers PR #13881 cam_utils._parse_action_string (NVlabs/Sana
/// inference_sana_wm.py has the same): whitespace is removed, the full-width comma '，' reads as ',', a segment
/// splits at its last '-', and the frame count must pass Python's str.isdigit and be positive.
/// </summary>
internal sealed record ActionScript(IReadOnlyList<ActionSegment> Segments)
{
    /// <summary>
    /// Upstream has no limit; a typo such as "w-8000000" would allocate gigabytes of poses, so longer scripts are
    /// refused (100,000 frames is ~1.7 hours at SANA-WM's 16 fps).
    /// </summary>
    public const int MaxFrames = 100_000;

    private const string AllowedKeys = "adijklsw";

    public int FrameCount => Segments.Sum(s => s.Frames);

    /// <summary>The held keys of every frame, in order.</summary>
    public IEnumerable<HeldKeys> Frames => Segments.SelectMany(s => Enumerable.Repeat(s.Keys, s.Frames));

    /// <summary>Parses <paramref name="text"/>; a <see cref="FormatException"/> names the segment at fault.</summary>
    public static ActionScript Parse(string text)
    {
        var cleaned = PythonStr.RemoveWhitespace(text.Replace('，', ','));
        if (cleaned.Length == 0)
            throw new FormatException("action string is empty");
        var segments = cleaned.Split(',').Select(ParseSegment).ToList();
        var total = 0L;
        foreach (var segment in segments)
            if ((total += segment.Frames) > MaxFrames)
                throw new FormatException($"Action segment {PythonStr.Repr(segment.Text)} takes the string past {MaxFrames} frames.");
        return new ActionScript(segments);
    }

    private static ActionSegment ParseSegment(string segment)
    {
        var dash = segment.LastIndexOf('-');
        if (dash < 0)
            throw new FormatException($"Invalid action segment {PythonStr.Repr(segment)}: expected '<keys>-<duration>'.");
        var frames = ParseDuration(segment, segment[(dash + 1)..]);   // upstream checks the duration before the keys
        return new ActionSegment(segment, ParseKeys(segment, segment[..dash]), frames);
    }

    private static int ParseDuration(string segment, string duration)
    {
        if (!PythonStr.IsDigit(duration))
            throw new FormatException($"Action segment {PythonStr.Repr(segment)} has a non-positive duration {PythonStr.Repr(duration)}.");
        // str.isdigit accepts digits int() then refuses ('²'); upstream fails there with int()'s own message.
        var value = PythonStr.ParseDecimal(duration, MaxFrames)
            ?? throw new FormatException($"Action segment {PythonStr.Repr(segment)} has a duration {PythonStr.Repr(duration)} that is not a decimal number.");
        if (value <= 0)
            throw new FormatException($"Action segment {PythonStr.Repr(segment)} has a non-positive duration {PythonStr.Repr(duration)}.");
        if (value > MaxFrames)
            throw new FormatException($"Action segment {PythonStr.Repr(segment)} is longer than {MaxFrames} frames.");
        return (int)value;
    }

    private static HeldKeys ParseKeys(string segment, string keysPart)
    {
        var lower = keysPart.ToLowerInvariant();
        if (lower == "none")
            return HeldKeys.None;
        var letters = lower.EnumerateRunes().ToList();
        // sorted(set(...)) of the unknown characters, by code point as Python sorts str
        var unknown = letters.Where(r => !AllowedKeys.Contains(r.ToString(), StringComparison.Ordinal)).Distinct().OrderBy(r => r.Value).ToList();
        if (unknown.Count > 0)
            throw new FormatException(
                $"Action segment {PythonStr.Repr(segment)} contains unknown keys {PythonStr.ListRepr(unknown.Select(r => r.ToString()))}; allowed: {AllowedKeys}.");
        return letters.Aggregate(HeldKeys.None, (held, letter) => held | Enum.Parse<HeldKeys>(letter.ToString(), ignoreCase: true));
    }
}
