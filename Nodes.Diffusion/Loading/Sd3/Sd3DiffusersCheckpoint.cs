using System.Text.Json;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>
/// A StableDiffusion3Pipeline folder: transformer/ (SD3Transformer2DModel), vae/, text_encoder/ and text_encoder_2/
/// (CLIPTextModelWithProjection), text_encoder_3/ (T5EncoderModel; optional: a pipeline saved without it, or with
/// model_index.json naming it null, gets zeros in its place), tokenizer/ … tokenizer_3/, and scheduler/
/// (FlowMatchEulerDiscreteScheduler, whose shift the MODEL's flow sampling takes).
/// </summary>
public static class Sd3DiffusersCheckpoint
{
    /// <summary>Whether model_index.json names an SD3 transformer (any SD3 or SD3.5 pipeline).</summary>
    public static bool IsSd3(string folder)
    {
        try
        {
            using var index = JsonDocument.Parse(RegularFile.ReadAllText(Path.Combine(folder, "model_index.json"), DiffusersFolder.MaxConfigBytes));
            return index.RootElement.ValueKind == JsonValueKind.Object
                && index.RootElement.TryGetProperty("transformer", out var transformer) && transformer.ValueKind == JsonValueKind.Array
                && transformer.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == nameof(SD3Transformer2DModel));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path.Combine(folder, "model_index.json")}: {ex.Message}", ex);
        }
    }

    public static LoadedCheckpoint Load(string root)
    {
        var folder = new DiffusersFolder(root);
        return PartialLoad.Build(parts =>
        {
            var transformer = parts.Add(LoadTransformer(folder));
            var vae = parts.Add(new ImageVae(folder.LoadVae()));
            var clip = parts.Add(LoadClip(folder, transformer.Config.JointAttentionDim));
            var scheduler = FlowMatchEulerSchedulerConfig.FromJson(folder.Config("scheduler"), folder.ConfigPath("scheduler"));
            return new LoadedCheckpoint(new DiffusionModel(transformer, new ModelSamplingDiscreteFlow(scheduler.Shift), vae.LatentFormat), clip, vae);
        });
    }

    public static SD3Transformer2DModel LoadTransformer(DiffusersFolder folder) =>
        folder.Load(new SD3Transformer2DModel(Sd3TransformerConfig.FromJson(folder.Config("transformer"), folder.ConfigPath("transformer"))), "transformer", "diffusion_pytorch_model");

    /// <summary>The three text encoders and their tokenizers; T5 only where text_encoder_3/ holds a config.</summary>
    public static Sd3Clip LoadClip(DiffusersFolder folder, int jointAttentionDim)
    {
        return PartialLoad.Build(parts =>
        {
            var clipL = new ProjectedClip(parts.Add(folder.LoadTextEncoder("text_encoder", withProjection: true)), ClipTokenizer.Load(folder.ComponentFolder("tokenizer")));
            var clipG = new ProjectedClip(parts.Add(folder.LoadTextEncoder("text_encoder_2", withProjection: true)), ClipTokenizer.Load(folder.ComponentFolder("tokenizer_2")));
            T5Text? t5 = null;
            if (File.Exists(folder.ConfigPath("text_encoder_3")))
            {
                var tokenizer = T5Tokenizer.Load(folder.ComponentFolder("tokenizer_3"));
                var encoder = folder.Load(new T5EncoderModel(T5Config.FromJson(folder.Config("text_encoder_3"), folder.ConfigPath("text_encoder_3"))),
                    "text_encoder_3", "model", ignore: [@"^encoder\.embed_tokens\.weight$"]);
                t5 = new T5Text(encoder, tokenizer);
            }
            return new Sd3Clip(clipL, clipG, t5, jointAttentionDim);
        });
    }
}
