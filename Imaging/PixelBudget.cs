namespace Workflow.Imaging;

/// <summary>
/// The check every image decoder makes from the header, before it allocates or inflates anything: width × height
/// within the budget, and the decoded 8-bit pixels within what one array can hold.
/// </summary>
public static class PixelBudget
{
    /// <summary>Throws <see cref="PixelBudgetException"/> when a <paramref name="width"/> × <paramref name="height"/> image of <paramref name="channels"/> must not be decoded.</summary>
    public static void Check(int width, int height, int channels, long maxPixels)
    {
        long pixels = (long)width * height;
        if (pixels > maxPixels)
            throw new PixelBudgetException(width, height, $"is {pixels:N0} pixels, over the pixel budget of {maxPixels:N0}");
        if (pixels * channels > Array.MaxLength)
            throw new PixelBudgetException(width, height, $"with {channels} channels needs {pixels * channels:N0} bytes, more than one buffer holds ({Array.MaxLength:N0})");
    }
}

/// <summary>An image too large to decode; the message gives its size and the bound it exceeds.</summary>
public sealed class PixelBudgetException(int width, int height, string problem) : Exception($"image size {width}x{height} {problem}")
{
    public int Width { get; } = width;

    public int Height { get; } = height;
}
