using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>
/// The StableDiffusionPipeline call the fixture's end-to-end goldens came from (e2e/e2e.json "params"), as the inputs
/// of our nodes. A parameter the nodes have no input for must keep the value they implement, or reading fails.
/// </summary>
internal sealed record Sd15PipelineCall(string Prompt, string NegativePrompt, int Width, int Height, int BatchSize, int Steps, double Guidance, double Eta, ulong Seed)
{
    public static Sd15PipelineCall Read()
    {
        var call = Golden.Json(Sd15Fixture.Name, "e2e/e2e.json")["params"]!;
        Assert.True((double?)call["guidance_rescale"] is null or 0, $"{Sd15Fixture.Name} e2e: guidance_rescale {call["guidance_rescale"]} has no node input");
        Assert.True(call["clip_skip"] is null, $"{Sd15Fixture.Name} e2e: clip_skip {call["clip_skip"]} has no node input");
        return new((string)call["prompt"]!, (string?)call["negative_prompt"] ?? "", (int)call["width"]!, (int)call["height"]!,
            (int?)call["num_images_per_prompt"] ?? 1, (int)call["num_inference_steps"]!, (double)call["guidance_scale"]!,
            (double?)call["eta"] ?? 0, (ulong)call["generator_seed"]!);
    }

    /// <summary>
    /// A text-to-image workflow (sd15_txt2img.json's shape: DDIMSample fed by two ClipEncode and an EmptyLatentImage)
    /// set to this call: the sampler's knobs, the prompts it links to, and the latent's size.
    /// </summary>
    public string Apply(string workflowJson, string ckptName)
    {
        var workflow = JsonNode.Parse(workflowJson)!.AsObject();
        var sampler = workflow.Single(n => (string?)n.Value!["class_type"] == "DDIMSample").Value!["inputs"]!;
        sampler["seed"] = Seed;
        sampler["steps"] = Steps;
        sampler["cfg"] = Guidance;
        sampler["eta"] = Eta;
        sampler["denoise"] = 1.0;
        Linked(workflow, sampler["positive"])["text"] = Prompt;
        Linked(workflow, sampler["negative"])["text"] = NegativePrompt;
        var latent = Linked(workflow, sampler["latent_image"]);
        (latent["width"], latent["height"], latent["batch_size"]) = (Width, Height, BatchSize);
        foreach (var loader in workflow.Where(n => (string?)n.Value!["class_type"] == "LoadCheckpoint"))
            loader.Value!["inputs"]!["ckpt_name"] = ckptName;
        return workflow.ToJsonString();
    }

    private static JsonNode Linked(JsonObject workflow, JsonNode? link) => workflow[(string)link![0]!]!["inputs"]!;
}
