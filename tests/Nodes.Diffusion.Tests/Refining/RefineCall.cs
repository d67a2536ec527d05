using System.Globalization;
using System.Text.Json.Nodes;
using Workflow.Host.Engine;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Refining;

/// <summary>
/// The fixture's refiner call as ARRefine node inputs, in a base folder of its own: the prompt as an embeddings file and
/// the stage-1 latents as a .latent file in input/, the settings from the manifest (a test changes what it varies).
/// </summary>
internal sealed record RefineCall(ulong Seed, int BlockSize, int SinkFrames, int KvMaxFrames, string Sigmas, double Fps, string CheckpointFolder = "")
{
    public const string EmbeddingsFile = "prompt.safetensors", LatentFile = "stage1.latent";

    public static RefineCall FromManifest()
    {
        var settings = RefinerFixture.Settings();
        var sigmas = string.Join(", ", settings.Sigmas.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
        return new RefineCall(settings.Seed, settings.BlockSize, settings.SinkFrames, settings.KvMaxFrames, sigmas, settings.Fps);
    }

    /// <summary><paramref name="workflow"/> with these settings on its ARRefine node <paramref name="nodeId"/>.</summary>
    public JsonNode AppliedTo(JsonNode workflow, string nodeId)
    {
        var inputs = workflow[nodeId]!["inputs"]!;
        (inputs["seed"], inputs["block_size"], inputs["sink_frames"]) = (Seed, BlockSize, SinkFrames);
        (inputs["kv_max_frames"], inputs["sigmas"], inputs["fps"], inputs["checkpoint_folder"]) = (KvMaxFrames, Sigmas, Fps, CheckpointFolder);
        return workflow;
    }

    /// <summary>Folders under <paramref name="root"/> with the fixture's prompt and latents in input/.</summary>
    public static NodePaths Prepare(string root)
    {
        var paths = EngineOptions.PathsUnder(root);
        Directory.CreateDirectory(paths.Input);
        using var scope = torch.NewDisposeScope();
        using var golden = RefinerFixture.Tensors();
        SafeTensors.Save(Path.Combine(paths.Input, EmbeddingsFile), new Dictionary<string, Tensor>
        {
            [RefinerPrompt.EmbedsKey] = golden.Load("inputs.prompt_embeds"),
            [RefinerPrompt.MaskKey] = golden.Load("inputs.prompt_attention_mask"),
        });
        SafeTensors.Save(Path.Combine(paths.Input, LatentFile), new Dictionary<string, Tensor>
        {
            ["latent_tensor"] = golden.Load("inputs.z"),
            ["latent_format_version_0"] = torch.zeros([0]),
        });
        return paths;
    }

    public static Latent StageOne(NodePaths paths) => new(SafeTensors.LoadAll(Path.Combine(paths.Input, LatentFile))["latent_tensor"]);

    /// <summary>The node on the fixture's latents with these inputs; <paramref name="latent"/> replaces them.</summary>
    public Latent Run(NodeContext context, Ltx2Model model, Latent? latent = null, Conditioning? conditioning = null, string embeddings = EmbeddingsFile)
    {
        using var stageOne = latent is null ? StageOne(context.Paths) : null;
        return new ArRefine().Execute(context, model, latent ?? stageOne!, conditioning, embeddings, Seed, BlockSize, SinkFrames, KvMaxFrames, Sigmas, Fps, CheckpointFolder);
    }

    /// <summary>Progress values per block: the sink capture, then each block's steps and its capture.</summary>
    public long ProgressAfterBlock(int blocksDone) => 1 + (long)blocksDone * RefinerSettings.Schedule(RefinerSettings.ParseSigmas(Sigmas)).Length;
}
