namespace Workflow.Imaging;

/// <summary>A text chunk: ComfyUI stores the workflow as tEXt "prompt" and "workflow".</summary>
public sealed record PngText(string Keyword, string Text);

/// <summary>A decoded PNG: its pixels (8 bits per channel) and its text chunks.</summary>
public sealed record PngImage(RasterImage Image, IReadOnlyList<PngText> Text, int SourceBitDepth)
{
    public string? GetText(string keyword) => Text.FirstOrDefault(t => t.Keyword == keyword)?.Text;
}

/// <summary>A file that is not a PNG this codec can read, with the reason.</summary>
public sealed class PngException(string message) : Exception(message);
