using System.Security.Cryptography;
using Workflow.Imaging;
using Workflow.Nodes.Core.Files;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Loads an image from the input folder as ComfyUI's LoadImage does: JPEG, PNG, WebP, BMP, GIF (its first frame) or
/// ICO, decoded by SkiaSharp (<see cref="ImageDecoder"/>) and turned upright by its EXIF orientation; RGB as IMAGE
/// [1, H, W, 3], and MASK = 1 − alpha when the image has alpha, else a 64×64 zero mask. A name may carry ComfyUI's
/// " [output]" / " [temp]" annotation. The file's SHA-256 is the fingerprint, so replacing the file re-runs the node.
/// Only a regular file is opened (a FIFO would block the worker), and an image over the pixel budget is refused from
/// its header, before anything is decoded.
/// </summary>
[Node("LoadImage", DisplayName = "Load Image", Category = "image",
      Description = "Loads an image (JPEG, PNG, WebP, BMP, GIF) from the input folder, with its alpha as a mask.")]
public sealed class LoadImage : INode, IFingerprint, IValidateInputs
{
    public sealed record Outputs(ImageBatch Image, Mask Mask) : INodeOutputs;

    public Outputs Execute(NodeContext context, [Combo(InputFiles = true)] string image)
    {
        var picture = Read(AnnotatedFiles.Resolve(context.Paths, image, "image"), image, context.Limits);
        using var scope = torch.NewDisposeScope();
        var pixels = ImageConversion.FromRaster(picture);
        var rgb = pixels.slice(2, 0, 3);
        var mask = picture.HasAlpha
            ? pixels.select(2, 3).rsub(1.0).unsqueeze(0)
            : torch.zeros([1, 64, 64], dtype: torch.float32);
        return new Outputs(new ImageBatch(rgb.unsqueeze(0).contiguous().DetachFromDisposeScope()), new Mask(mask.contiguous().DetachFromDisposeScope()));
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        using var file = RegularFile.OpenRead(AnnotatedFiles.Resolve(paths, literals.Get<string>("image"), "image"));
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
            var path = AnnotatedFiles.Resolve(paths, name, "image");
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

    private static RasterImage Read(string path, string image, InputLimits limits)
    {
        try
        {
            using var file = RegularFile.OpenRead(path);
            return ImageDecoder.Decode(file, limits.MaxImagePixels);
        }
        catch (PixelBudgetException ex)
        {
            throw new InputException("image", image,
                $"{ex.Message} (a larger budget: --max-image-pixels N or {InputLimits.MaxImagePixelsVariable}=N)");
        }
        catch (ImageFormatException ex)
        {
            throw new InputException("image", image, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException("image", image, ex.Message);
        }
    }
}
