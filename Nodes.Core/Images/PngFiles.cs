using System.Globalization;
using Workflow.Imaging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// ComfyUI's SaveImage.save_images, shared by SaveImage (type "output") and PreviewImage (type "temp"): each image
/// of the batch as "{prefix}_{counter:05}_.png" in <paramref name="root"/> (%batch_num% per image), the workflow as
/// tEXt chunks, each file listed in the UI output as {filename, subfolder, type}.
/// </summary>
internal static class PngFiles
{
    public static UiOutput Write(NodeContext context, ImageBatch images, string root, string prefix, string type)
    {
        var target = Resolve(root, prefix, (int)images.Width, (int)images.Height);
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
            ui.AddFile("images", fileName, target.Subfolder, type);
        }
        return ui;
    }

    private static OutputFileNames.Target Resolve(string root, string prefix, int width, int height)
    {
        try
        {
            return OutputFileNames.Resolve(root, prefix, width, height);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("filename_prefix", prefix, ex.Message);
        }
    }
}
