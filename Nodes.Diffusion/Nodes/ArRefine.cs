using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Refining;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// SANA-WM's stage 2 (../shared/notes/sana_wm.md §5): refines video latents [B, C, T, H, W] block by block with an LTX-2
/// transformer, each block attending to the sink frames and a sliding window of refined history, so memory stays
/// bounded however long the video is (<see cref="ArRefiner"/>). The prompt is LTX-2's post-connector embeddings: a
/// CONDITIONING, or a safetensors file in input/ until a Gemma text encoder exists here. After every finished block
/// the run's state is saved in the checkpoint folder; a rerun of the same inputs (after a crash, or the server's
/// queue re-running the prompt) resumes after the last finished block, another run's state there is refused, and a
/// finished run removes its state. Progress is reported per step; an interrupt stops between steps.
/// </summary>
[Node("ARRefine", DisplayName = "AR Refine (SANA-WM)", Category = "sampling/video",
      Description = "Refines video latents block by block with an LTX-2 transformer over a sliding K/V window; resumes after a crash.")]
public sealed class ArRefine : INode, IFingerprint, IValidateInputs
{
    public const string DefaultSigmas = "0.909375, 0.725, 0.421875";

    public Latent Execute(NodeContext context,
        [Input(Tooltip = "The LTX-2 transformer (Load LTX-2 Transformer).")] Ltx2Model model,
        [Input(Tooltip = "Stage-1 video latents [B, C, T, H, W].")] Latent latent,
        [Input(Tooltip = "The prompt's LTX-2 embeddings (after the text connectors); or name an embeddings file.")] Conditioning? conditioning = null,
        [String, Input(Tooltip = "Used without conditioning: a safetensors file in input/ with prompt_embeds [B, L, D] and optionally prompt_attention_mask [B, L].")] string embeddings = "",
        [Seed, Input(Tooltip = "Seeds the one generator every block's re-noise draws from.")] ulong seed = 42,
        [Int(Min = 1, Max = 64), Input(Tooltip = "Latent frames refined together.")] int blockSize = 3,
        [Int(Min = 1, Max = 64), Input(Tooltip = "Leading latent frames kept as they are, which every block attends to.")] int sinkFrames = 1,
        [Int(Min = 2, Max = 1024), Input(Tooltip = "Sink plus history frames a block attends to.")] int kvMaxFrames = 11,
        [String, Input(Tooltip = "The Euler steps' σ, falling, comma-separated; 0 is appended.")] string sigmas = DefaultSigmas,
        [Float(Min = 0.1, Max = 240, Step = 0.1), Input(Tooltip = "The video's frame rate, which places frames in time for RoPE.")] double fps = 16,
        [String, Input(Tooltip = "Folder under temp/ for the resumable state; empty: temp/arrefine/<a digest of the run>.")] string checkpointFolder = "")
    {
        void Report(long value, long max) => context.ReportProgress(value, max);
        var samples = CheckLatent(latent.Samples, model);
        var settings = new RefinerSettings(sinkFrames, blockSize, kvMaxFrames, Schedule(sigmas), fps, seed);
        settings.Check(samples.shape[2]);
        using var scope = torch.NewDisposeScope();
        var (device, dtype) = (model.Device, model.Dtype);
        var (prompt, mask) = RefinerPrompt.Read(context.Paths, conditioning, embeddings, model.Transformer.Config, samples.shape[0]);
        var inputs = new RefinerInputs(samples.to(dtype, device), prompt.to(dtype, device), mask?.to(device));
        var fingerprint = RefinerFingerprint.Of(model.WeightsIdentity, settings, inputs);
        var checkpoint = new RefinerCheckpoint(Folder(context.Paths, checkpointFolder, fingerprint));
        var refiner = new ArRefiner(model.Transformer, settings);
        using var state = Resume(context, checkpoint, fingerprint, model, settings.BlockCount(samples.shape[2]))
            ?? refiner.Start(inputs, new RefinerHooks(Progress: Report, Cancellation: context.Cancellation));
        refiner.Continue(inputs, state, new RefinerHooks(Progress: Report, BlockFinished: s => checkpoint.Save(s, fingerprint), Cancellation: context.Cancellation));
        var output = state.Output.to(torch.float32, Device.CPU).DetachFromDisposeScope();
        checkpoint.Delete();
        return new Latent(output);
    }

    /// <summary>The embeddings file's content: replacing it re-runs the node.</summary>
    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths)
    {
        if (literals.GetOrDefault<string>("embeddings") is not { Length: > 0 } name)
            return Fingerprint.Of("");
        using var file = RegularFile.OpenRead(RefinerPrompt.Resolve(paths, name));
        return Fingerprint.Of(Convert.ToHexString(SHA256.HashData(file)));
    }

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths)
    {
        var problems = new List<InputProblem>();
        Check("sigmas", () => Schedule(literals.GetOrDefault<string>("sigmas") ?? DefaultSigmas));
        if (literals.GetOrDefault<string>("embeddings") is { Length: > 0 } name)
            Check("embeddings", () => RefinerPrompt.CheckExists(paths, name));
        if (literals.GetOrDefault<string>("checkpoint_folder") is { Length: > 0 } folder)
            Check("checkpoint_folder", () => Resolve(paths, folder));
        return problems;

        void Check(string input, Action check)
        {
            try
            {
                check();
            }
            catch (InputException ex)
            {
                problems.Add(new InputProblem(input, ex.Message));
            }
        }
    }

    private static float[] Schedule(string sigmas)
    {
        try
        {
            return RefinerSettings.Schedule(RefinerSettings.ParseSigmas(sigmas));
        }
        catch (ArgumentException ex)
        {
            throw new InputException("sigmas", sigmas, ex.Message);
        }
    }

    /// <summary>A video latent whose channels and size fit the transformer's patches.</summary>
    private static Tensor CheckLatent(Tensor samples, Ltx2Model model)
    {
        var config = model.Transformer.Config;
        var shape = $"[{string.Join(", ", samples.shape)}]";
        if (samples.ndim != 5)
            throw new InputException("latent", shape, "is not a video latent [B, C, T, H, W]");
        if (config.PatchSizeT != 1)
            throw new InputException("model", $"patch_size_t = {config.PatchSizeT}", "the refiner places one latent frame per token row (patch_size_t 1)");
        if (samples.shape[1] * config.PatchSize * config.PatchSize != config.InChannels || samples.shape[3] % config.PatchSize != 0 || samples.shape[4] % config.PatchSize != 0)
            throw new InputException("latent", shape, $"does not fit the transformer ({config.InChannels} input channels, patch size {config.PatchSize})");
        return samples;
    }

    /// <summary>The checkpoint folder: the one named under temp/, or temp/arrefine/&lt;run digest&gt;, so the same inputs find their state.</summary>
    private static string Folder(NodePaths paths, string name, RefinerFingerprint fingerprint) =>
        name.Length > 0 ? Resolve(paths, name) : Path.Combine(paths.Temp, "arrefine", fingerprint.Digest());

    private static string Resolve(NodePaths paths, string name)
    {
        try
        {
            return NodePaths.ResolveInside(paths.Temp, name);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("checkpoint_folder", name, ex.Message);
        }
    }

    private static RefinerState? Resume(NodeContext context, RefinerCheckpoint checkpoint, RefinerFingerprint fingerprint, Ltx2Model model, int blocks)
    {
        RefinerState? state;
        try
        {
            state = checkpoint.Load(fingerprint, model.Transformer.LayerCount, model.Device, model.Dtype);
        }
        catch (RefinerStateRefusedException ex)
        {
            throw new InputException("checkpoint_folder", checkpoint.Folder, ex.Message, ex);
        }
        if (state is not null)
            context.Logger.LogInformation("ARRefine resumes {Path} after block {Done} of {Blocks}", checkpoint.FilePath, state.BlocksDone, blocks);
        return state;
    }
}
