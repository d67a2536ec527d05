using System.Globalization;
using Workflow.Imaging;
using Workflow.Nodes.Core.Output;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// Writes each image of a batch as "{prefix}_{counter:05}_.png" in the output folder (ComfyUI's SaveImage naming,
/// %batch_num% per image), with the workflow embedded as tEXt chunks "prompt" and each extra_pnginfo key
/// ("workflow"), so the PNG can be dropped back into ComfyUI.
/// </summary>
[Node("SaveImage", DisplayName = "Save Image", Category = "image", OutputNode = true,
      Description = "Saves the input images to your output directory.")]
public sealed class SaveImage : INode
{
    public UiOutput Execute(NodeContext context,
        [Input(Tooltip = "The images to save.")] ImageBatch images,
        [Input(Tooltip = "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")]
        string filenamePrefix = "ComfyUI")
    {
        var target = Resolve(context.Paths.Output, filenamePrefix, (int)images.Width, (int)images.Height);
        var text = context.Metadata.PngTextChunks().Select(chunk => new PngText(chunk.Key, chunk.Value)).ToList();
        var ui = new UiOutput();
        int counter = target.Counter;
        for (long i = 0; i < images.Count; i++)
        {
            using var image = images.Pixels[i];
            var png = Png.Encode(ImageConversion.ToRaster(image), text, System.IO.Compression.CompressionLevel.Fastest);
            var batchTarget = target with { Name = target.Name.Replace("%batch_num%", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) };
            var (stream, fileName, used) = OutputFileNames.CreateNext(batchTarget, counter, "png");
            using (stream)
                stream.Write(png);
            counter = used + 1;
            ui.AddFile("images", fileName, target.Subfolder, "output");
        }
        return ui;
    }

    private static OutputFileNames.Target Resolve(string outputRoot, string prefix, int width, int height)
    {
        try
        {
            return OutputFileNames.Resolve(outputRoot, prefix, width, height);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("filename_prefix", prefix, ex.Message);
        }
    }
}
