using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// The sanawm-refiner-tiny fixture: a tiny LTX-2 transformer in diffusers' layout, the inputs of SANA-WM's
/// _refine_latents_ar call and every tensor it made, and the call's settings as its manifest records them.
/// </summary>
internal static class RefinerFixture
{
    public const string Name = "sanawm-refiner-tiny";

    public const string TensorFile = "refiner_golden.safetensors";

    public static JsonNode Manifest => Golden.Json(Name, "manifest.json");

    public static GoldenTensors Tensors() => GoldenTensors.Open(Name, TensorFile);

    /// <summary>The transformer's folder (beside the config file the manifest names).</summary>
    public static string TransformerFolder => Path.GetDirectoryName(Golden.File(Name, (string)Manifest["transformer"]!["config_file"]!))!;

    public static LTX2VideoTransformer3DModel LoadTransformer() => LTX2TransformerCheckpoint.Load(TransformerFolder, torch.float32);

    /// <summary>The recorded call's settings: sink, block size, window, schedule (its trailing 0 included), fps and seed.</summary>
    public static RefinerSettings Settings()
    {
        var call = Manifest["call"]!;
        var sigmas = call["sigmas"]!.AsArray().Select(s => (double)s!).ToList();
        return new RefinerSettings((int)call["source_sink_frames"]!, (int)call["block_size"]!, (int)call["kv_max_frames"]!,
            RefinerSettings.Schedule(sigmas), (double)call["fps"]!, (ulong)call["seed"]!);
    }

    /// <summary>The recorded inputs: stage-1 latents, prompt embeddings and their mask.</summary>
    public static RefinerInputs Inputs(GoldenTensors tensors) =>
        new(tensors.Load("inputs.z").DetachFromDisposeScope(), tensors.Load("inputs.prompt_embeds").DetachFromDisposeScope(),
            tensors.Load("inputs.prompt_attention_mask").DetachFromDisposeScope());
}
