using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

// Runs the ARRefine node once, as the engine would, on the transformer, latents and embeddings file a JSON request
// names; prints every progress step; at step kill_at_progress kills itself with SIGKILL (as the OOM killer or a native
// crash would end a server), else saves the refined latents. Usage: Workflow.RefinerCrash '<request JSON>'.
var request = JsonSerializer.Deserialize<CrashRequest>(args[0]) ?? throw new ArgumentException("no request");
var paths = new NodePaths(Path.Combine(request.BaseDir, "models"), Path.Combine(request.BaseDir, "input"),
    Path.Combine(request.BaseDir, "output"), Path.Combine(request.BaseDir, "temp"));
using var model = new Ltx2Model(LTX2TransformerCheckpoint.Load(request.Transformer, torch.float32));
using var latent = new Latent(SafeTensors.LoadAll(request.Latents)["latent_tensor"]);
var context = new KillingContext(paths, request.KillAtProgress);
using var refined = new ArRefine().Execute(context, model, latent, null, request.Embeddings, request.Seed, request.BlockSize, request.SinkFrames,
    request.KvMaxFrames, request.Sigmas, request.Fps, request.CheckpointFolder);
SafeTensors.Save(request.Output, new Dictionary<string, Tensor> { ["latent_tensor"] = refined.Samples });
return 0;

internal sealed record CrashRequest(string BaseDir, string Transformer, string Latents, string Embeddings, ulong Seed, int BlockSize, int SinkFrames,
    int KvMaxFrames, string Sigmas, double Fps, string CheckpointFolder, long KillAtProgress, string Output);

/// <summary>A node context that reports progress on stdout and kills the process at one step.</summary>
internal sealed class KillingContext(NodePaths paths, long killAt) : NodeContext
{
    public override string NodeId => "refine";
    public override string PromptId => "crash";
    public override CancellationToken Cancellation => CancellationToken.None;
    public override ILogger Logger => NullLogger.Instance;
    public override NodePaths Paths => paths;
    public override PromptMetadata Metadata => PromptMetadata.None;

    public override void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        Console.Out.WriteLine($"progress {value} {max}");
        Console.Out.Flush();
        if (value != killAt)
            return;
        using var self = Process.GetCurrentProcess();
        self.Kill();
        self.WaitForExit();
    }
}
