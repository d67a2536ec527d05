using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// Runs the same UNet in PyTorch on the same libtorch (unet_reference.py beside this plugin): diffusers when it is
/// importable, otherwise a compact eager port of diffusers' forward, reading the same weights. Reports the ratios
/// ours / PyTorch and how far the two outputs are apart.
/// </summary>
public static class UnetReference
{
    /// <param name="Dtype">The UNet's dtype on both sides; the weights travel in float32 (exact for half-precision values) and the script casts them.</param>
    public sealed record Inputs(Tensor Batch, Tensor Context, Tensor Noise, Conditioning Positive, Conditioning Negative, int Steps, int Rounds, Device Device,
        ScalarType Dtype);

    public sealed record Ours(double UnetStepSeconds, double TotalSeconds, Tensor UnetOutput, Tensor Latents);

    /// <summary>The model's network as the diffusers UNet this reference ports (the benchmark measures SD1.x/2.x UNets).</summary>
    public static Models.Unet.UNet2DConditionModel UnetOf(DiffusionModel model) =>
        model.Network as Models.Unet.UNet2DConditionModel
        ?? throw new NotSupportedException($"bench sampler measures diffusers UNets; this model's network is a {model.Network.GetType().Name}");

    public static JsonObject Compare(string python, DiffusionModel model, Inputs inputs, Ours ours, Action<string> log)
    {
        var folder = Directory.CreateTempSubdirectory("bench-sampler-").FullName;
        try
        {
            log($"writing the weights and inputs for the PyTorch reference to {folder}");
            SaveInFloat32(Path.Combine(folder, "unet.safetensors"), UnetOf(model).state_dict());
            File.WriteAllText(Path.Combine(folder, "unet_config.json"), JsonSerializer.Serialize(UnetOf(model).Config));
            File.WriteAllText(Path.Combine(folder, "scheduler_config.json"), JsonSerializer.Serialize(model.Schedule));
            SafeTensors.Save(Path.Combine(folder, "inputs.safetensors"), new Dictionary<string, Tensor>
            {
                ["batch"] = inputs.Batch, ["context"] = inputs.Context, ["noise"] = inputs.Noise,
                ["positive"] = inputs.Positive.Entries[0].Embeddings, ["negative"] = inputs.Negative.Entries[0].Embeddings,
            });
            log("running the PyTorch reference");
            var result = ReferenceScript.Run(python, "unet_reference.py", folder, inputs.Steps.ToString(), inputs.Rounds.ToString(),
                torch.get_num_threads().ToString(), inputs.Device.ToString(), WeightPrecision.NameOf(inputs.Dtype));
            using var outputs = SafeTensorsFile.Open(Path.Combine(folder, "outputs.safetensors"));
            using var theirUnet = outputs.Load("unet_output");
            using var theirLatents = outputs.Load("latents");
            result["ratio_unet_step"] = ours.UnetStepSeconds / (double)result["unet_step_s"]!;
            result["ratio_total"] = ours.TotalSeconds / (double)result["total_s"]!;
            result["max_abs_diff_unet"] = MaxAbsDiff(ours.UnetOutput, theirUnet);
            result["max_abs_diff_latents"] = MaxAbsDiff(ours.Latents, theirLatents);
            return result;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
        {
            return new JsonObject { ["error"] = ex.Message };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Saves <paramref name="state"/> with every floating-point tensor as float32, on the CPU (the script reads F32 and F16 only).</summary>
    private static void SaveInFloat32(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(path, state.ToDictionary(p => p.Key, p => p.Value.is_floating_point() ? p.Value.to(torch.float32, Device.CPU) : p.Value.cpu()));
    }

    /// <summary>max |ours − theirs|, on our tensor's device.</summary>
    internal static double MaxAbsDiff(Tensor ours, Tensor theirs)
    {
        using var theirsHere = theirs.to(ours.device);
        using var difference = (ours - theirsHere).abs().max();
        return difference.item<float>();
    }
}
