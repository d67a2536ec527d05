using System.Globalization;

namespace Workflow.NodeSdk;

/// <summary>
/// Bounds the operator sets on what one input may make a node spend, so a small hostile file cannot demand
/// gigabytes. Any decoder consults them (today the PNG codec; tomorrow any other) through <see cref="NodeContext.Limits"/>.
/// Set with the CLI's <c>--max-image-pixels</c> or the environment variable below; members are only ever added.
/// </summary>
public sealed record InputLimits
{
    public const string MaxImagePixelsVariable = "WORKFLOW_MAX_IMAGE_PIXELS";

    /// <summary>PIL's DecompressionBombError threshold (2 × Image.MAX_IMAGE_PIXELS): what ComfyUI refuses, we refuse.</summary>
    public const long DefaultMaxImagePixels = 178_956_970;

    public static InputLimits Default { get; } = new();

    /// <summary>Images of more pixels (width × height) are refused from their header, before any decoding.</summary>
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;

    /// <summary>The defaults, with <see cref="MaxImagePixelsVariable"/> applied where set; a value that is not a positive integer is an error naming it.</summary>
    public static InputLimits FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(MaxImagePixelsVariable);
        if (string.IsNullOrWhiteSpace(text))
            return Default;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pixels) && pixels > 0
            ? new InputLimits { MaxImagePixels = pixels }
            : throw new ArgumentException($"{MaxImagePixelsVariable}={text} is not a positive whole number of pixels");
    }
}
