using System.Globalization;

namespace Workflow.NodeSdk;

/// <summary>
/// Bounds the operator sets on what one workflow input may make the host spend, so that a small hostile file cannot
/// demand gigabytes (README, "Limits"). Images are bounded from their header, before decoding; strings where they
/// enter (widget values, at validation) and where they grow (node outputs, as each node finishes). The engine and any
/// node consult them through <see cref="NodeContext.Limits"/>. Set with the CLI's <c>--max-image-pixels</c> and
/// <c>--max-string-mb</c> or the environment variables below; members are only ever added.
/// </summary>
public sealed record InputLimits
{
    public const string MaxImagePixelsVariable = "WORKFLOW_MAX_IMAGE_PIXELS";

    /// <summary>PIL's DecompressionBombError threshold (2 × Image.MAX_IMAGE_PIXELS): what ComfyUI refuses, we refuse.</summary>
    public const long DefaultMaxImagePixels = 178_956_970;

    public const string MaxStringVariable = "WORKFLOW_MAX_STRING_MB";

    /// <summary>The default bound on strings, in Mi (2^20) characters: far above any prompt, poses file or action string.</summary>
    public const int DefaultMaxStringMb = 16;

    /// <summary>The most nodes the expansions of one prompt may add: far above a sampler loop, far below what would exhaust memory.</summary>
    public const int DefaultMaxExpandedNodes = 100_000;

    /// <summary>The deepest expansions may nest (a node expanding into a subgraph holding a node that expands, ...).</summary>
    public const int DefaultMaxExpansionDepth = 1_000;

    /// <summary>The longest list a node may output (1 Mi elements); a node fed lists runs at most this many times.</summary>
    public const int DefaultMaxListLength = 1 << 20;

    public static InputLimits Default { get; } = new();

    /// <summary>Images of more pixels (width × height) are refused from their header, before any decoding.</summary>
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;

    /// <summary>Longest string a widget may hold or a node may output, in UTF-16 characters.</summary>
    public int MaxStringLength { get; init; } = DefaultMaxStringMb << 20;

    /// <summary>Nodes the expansions of one prompt may add, all together; a node expanding past it fails, naming itself.</summary>
    public int MaxExpandedNodes { get; init; } = DefaultMaxExpandedNodes;

    /// <summary>How deep expansions may nest, so that a node expanding into itself forever fails rather than runs on.</summary>
    public int MaxExpansionDepth { get; init; } = DefaultMaxExpansionDepth;

    /// <summary>Longest list one node may output.</summary>
    public int MaxListLength { get; init; } = DefaultMaxListLength;

    /// <summary>The string bound for a number of Mi characters; 0 or less lifts it.</summary>
    public static int StringLengthOf(int megabytes) => megabytes <= 0 ? int.MaxValue : (int)Math.Min((long)megabytes << 20, int.MaxValue);

    /// <summary>
    /// The defaults with <see cref="MaxImagePixelsVariable"/> and <see cref="MaxStringVariable"/> applied where set;
    /// a value that is not a whole number (positive, for pixels) is an error naming the variable.
    /// </summary>
    public static InputLimits FromEnvironment()
    {
        var limits = Default;
        if (Variable(MaxImagePixelsVariable) is { } pixels)
            limits = limits with { MaxImagePixels = pixels > 0 ? pixels : throw new ArgumentException($"{MaxImagePixelsVariable}={pixels} is not a positive whole number of pixels") };
        if (Variable(MaxStringVariable) is { } megabytes)
            limits = limits with { MaxStringLength = StringLengthOf((int)Math.Clamp(megabytes, int.MinValue, int.MaxValue)) };
        return limits;
    }

    private static long? Variable(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name}={text} is not a whole number");
    }
}
