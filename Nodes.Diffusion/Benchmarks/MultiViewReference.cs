using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Benchmarks;

/// <summary>
/// Runs the same multi-view UNet in PyTorch on the same libtorch (multiview_reference.py beside this plugin: an eager
/// port of MVDream's MultiViewUNetModel and LDM's DDIM, drawing the same random weights from the same seed rather than
/// reading 3.5 GB of them from a file), and reports the ratios ours / PyTorch and how far the outputs are apart.
/// </summary>
public static class MultiViewReference
{
    public sealed record Inputs(long Seed, int Views, Tensor Noise, Conditioning Positive, Conditioning Negative, Tensor Cameras,
        double Guidance, long Timestep, int Steps, int Rounds, Device Device);

    public sealed record Ours(double UnetStepSeconds, double SamplingStepSeconds, Tensor UnetOutput, Tensor Latents);

    public static JsonObject Compare(string python, DiffusionModel model, Inputs inputs, Ours ours, Action<string> log)
    {
        var folder = Directory.CreateTempSubdirectory("bench-multiview-").FullName;
        try
        {
            log($"writing the configuration and inputs for the PyTorch reference to {folder}");
            var network = (MultiViewUNetModel)model.Network.Module;
            File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(network.Config));
            File.WriteAllText(Path.Combine(folder, "inputs.json"), new JsonObject
            {
                ["views"] = inputs.Views, ["guidance"] = inputs.Guidance, ["timestep"] = inputs.Timestep,
                ["linear_start"] = model.Schedule.BetaStart, ["linear_end"] = model.Schedule.BetaEnd, ["train_timesteps"] = model.Schedule.NumTrainTimesteps,
            }.ToJsonString());
            SafeTensors.Save(Path.Combine(folder, "inputs.safetensors"), new Dictionary<string, Tensor>
            {
                ["noise"] = inputs.Noise, ["camera"] = inputs.Cameras,
                ["positive"] = inputs.Positive.Entries[0].Embeddings, ["negative"] = inputs.Negative.Entries[0].Embeddings,
            });
            log("running the PyTorch reference (it draws the same random weights first)");
            var result = ReferenceScript.Run(python, "multiview_reference.py", folder, Invariant(inputs.Seed), Invariant(inputs.Steps), Invariant(inputs.Rounds),
                Invariant(torch.get_num_threads()), inputs.Device.ToString());
            using var outputs = SafeTensorsFile.Open(Path.Combine(folder, "outputs.safetensors"));
            using var theirUnet = outputs.Load("unet_output");
            using var theirLatents = outputs.Load("latents");
            result["ratio_unet_step"] = ours.UnetStepSeconds / (double)result["unet_step_s"]!;
            result["ratio_sampling_step"] = ours.SamplingStepSeconds / (double)result["sampling_step_s"]!;
            result["max_abs_diff_unet"] = UnetReference.MaxAbsDiff(ours.UnetOutput, theirUnet);
            result["max_abs_diff_latents"] = UnetReference.MaxAbsDiff(ours.Latents, theirLatents);
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

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
