using System.Security.Cryptography;
using Workflow.Imaging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Loads a PNG from the input folder as ComfyUI's LoadImage does: RGB as IMAGE [1, H, W, 3], and MASK = 1 − alpha when
/// the image has alpha, else a 64×64 zero mask. A name may carry ComfyUI's " [output]" / " [temp]" annotation.
/// The file's SHA-256 is the fingerprint, so replacing the file re-runs the node. Only a regular file is opened (a
/// FIFO would block the worker), an image over the pixel budget is refused from its header, and text chunks, which
/// nothing here reads, are skipped without being inflated.
/// </summary>
[Node("LoadImage", DisplayName = "Load Image", Category = "image", Description = "Loads an image (PNG) from the input folder.")]
public sealed class LoadImage : INode, IFingerprint, IValidateInputs
{
    public sealed record Outputs(ImageBatch Image, Mask Mask) : INodeOutputs;

    private static readonly IReadOnlySet<string> NoText = new HashSet<string>();

    public Outputs Execute(NodeContext context, [Combo(InputFiles = true)] string image)
    {
        var png = Read(Resolve(context.Paths, image), image, context.Limits);
        using var scope = torch.NewDisposeScope();
        var pixels = ImageConversion.FromRaster(png.Image);
        var rgb = png.Image.Channels >= 3 ? pixels.slice(2, 0, 3) : pixels.slice(2, 0, 1).repeat(1, 1, 3);
        var mask = png.Image.HasAlpha
            ? pixels.select(2, png.Image.Channels - 1).rsub(1.0).unsqueeze(0)
            : torch.zeros([1, 64, 64], dtype: torch.float32);
        return new Outputs(new ImageBatch(rgb.unsqueeze(0).contiguous().DetachFromDisposeScope()), new Mask(mask.contiguous().DetachFromDisposeScope()));
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        using var file = RegularFile.OpenRead(Resolve(paths, literals.Get<string>("image")));
        return Fingerprint.Of(Convert.ToHexString(SHA256.HashData(file)));
    }

    /// <summary>Like ComfyUI's VALIDATE_INPUTS, the file check replaces the combo check (annotated names are not in the list).</summary>
    public IReadOnlyCollection<string> ValidatedInputs => ["image"];

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        var name = literals.Get<string>("image");
        string? problem;
        try
        {
            var path = Resolve(paths, name);
            problem = RegularFile.Exists(path) ? null
                : RegularFile.Describe(path) is { } kind ? $"Invalid image file: {name} is {kind}, not a regular file"
                : $"Invalid image file: {name}";
        }
        catch (InputException ex)
        {
            problem = ex.Message;
        }
        return problem is null ? [] : [new InputProblem("image", problem)];
    }

    private static PngImage Read(string path, string image, InputLimits limits)
    {
        try
        {
            using var file = RegularFile.OpenRead(path);
            return Png.Decode(file, new PngReadOptions { MaxPixels = limits.MaxImagePixels, TextKeywords = NoText });
        }
        catch (PixelBudgetException ex)
        {
            throw new InputException("image", image,
                $"{ex.Message} (a larger budget: --max-image-pixels N or {InputLimits.MaxImagePixelsVariable}=N)");
        }
        catch (PngException ex)
        {
            throw new InputException("image", image, $"not a readable PNG image: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException("image", image, ex.Message);
        }
    }

    /// <summary>"name.png" in input/, or "name.png [output]" / "[temp]" / "[input]" in that folder; never outside it.</summary>
    private static string Resolve(NodePaths paths, string name)
    {
        var (folder, file) = name switch
        {
            _ when name.EndsWith(" [output]", StringComparison.Ordinal) => (paths.Output, name[..^" [output]".Length]),
            _ when name.EndsWith(" [temp]", StringComparison.Ordinal) => (paths.Temp, name[..^" [temp]".Length]),
            _ when name.EndsWith(" [input]", StringComparison.Ordinal) => (paths.Input, name[..^" [input]".Length]),
            _ => (paths.Input, name),
        };
        try
        {
            return NodePaths.ResolveInside(folder, file);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("image", name, ex.Message);
        }
    }
}
