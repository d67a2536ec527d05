using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>The multiview-tiny fixture's mvdream and imagedream sections: their checkpoints and what the manifest says of them.</summary>
internal static class MultiViewModels
{
    public const string MvDream = "mvdream";
    public const string ImageDream = "imagedream";

    public static JsonNode Section(string family) => MultiviewFixture.Section(family);

    /// <summary>The section's checkpoint file (with its .yaml beside it).</summary>
    public static string CheckpointPath(string family) => MultiviewFixture.File((string)Section(family)["checkpoint"]!["file"]!);

    /// <summary>The section's checkpoint as a MODEL (the tiny files hold no text encoder or VAE).</summary>
    public static DiffusionModel Load(string family)
    {
        using var file = TensorFile.Open(CheckpointPath(family));
        return MultiViewCheckpoint.LoadModel(file);
    }

    public static MultiViewUNetModel Network(DiffusionModel model) => (MultiViewUNetModel)model.Network;

    /// <summary>The tensors of one of the section's golden files ("mvdream/unet_goldens.safetensors").</summary>
    public static Testing.GoldenTensors Tensors(string file) => MultiviewFixture.Tensors(file);

    /// <summary>The section's golden file whose name contains <paramref name="stem"/> (its "files" list).</summary>
    public static string File(string family, string stem) =>
        Section(family)["files"]!.AsArray().Select(f => (string)f!["file"]!).Single(f => Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal));

    /// <summary>
    /// The first <paramref name="views"/> rows of a fixture's camera tensor (MVDream's flattened camera-to-world poses in
    /// Blender's world) as a CAMERA; <paramref name="referenceSlot"/> marks ImageDream's zero camera after them.
    /// </summary>
    public static Camera Cameras(Tensor rows, int views, bool referenceSlot = false)
    {
        using var poses = rows.to(torch.float64);
        return new Camera(CameraConvention.Blender, Enumerable.Range(0, views).Select(i => new CameraPose(poses[i].ToArray<double>())), appendsReferenceView: referenceSlot);
    }
}
