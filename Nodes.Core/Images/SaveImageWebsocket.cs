using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// ComfyUI's SaveImageWebsocket (custom_nodes/websocket_image_save.py): each image goes to the client that queued the
/// prompt as a binary WebSocket message, exactly as a sampler preview (event type 1 PREVIEW_IMAGE, format 2 PNG, then
/// the PNG at full size, no metadata), sent as progress step i of the batch; nothing is written to disk. For API
/// clients that never touch the server's folders. Runs on every prompt (ComfyUI's IS_CHANGED is the time), so a
/// repeated prompt sends its images again.
/// </summary>
[Node("SaveImageWebsocket", DisplayName = "Save Image (Websocket)", Category = "api node/image/websocket", OutputNode = true,
      Description = "Sends the images to the client over the WebSocket as binary PNG messages, saving nothing.")]
public sealed class SaveImageWebsocket : INode, IFingerprint
{
    public UiOutput Execute(NodeContext context, [Input(Tooltip = "The images to send.")] ImageBatch images)
    {
        for (long i = 0; i < images.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var raster = ImageConversion.ToRaster(images.Pixels[i].slice(2, 0, 3));
            context.ReportProgress(i, images.Count, new NodeSdk.PreviewImage(raster.Width, raster.Height, raster.Pixels));
        }
        return new UiOutput();
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) => Fingerprint.Rerun;
}
