using System.Text.RegularExpressions;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>The StableDiffusion3Pipeline call the fixture's end-to-end goldens came from (manifest goldens.e2e), as our nodes' inputs.</summary>
internal sealed partial record Sd3PipelineCall(string Prompt, string NegativePrompt, int Width, int Height, int Steps, double Guidance, int MaxSequenceLength, ulong Seed, double Shift)
{
    public static Sd3PipelineCall Read()
    {
        var e2e = Sd3Fixture.Goldens("e2e");
        var call = e2e["params"]!;
        var seed = SeedPattern().Match((string)e2e["generator"]!);
        Assert.True(seed.Success, $"{Sd3Fixture.Name} e2e: generator {e2e["generator"]} is not a seeded CPU generator");
        var scheduler = Sd3Fixture.Manifest["models"]!["scheduler"]!["config"]!;
        return new((string)call["prompt"]!, (string?)call["negative_prompt"] ?? "", (int)call["width"]!, (int)call["height"]!, (int)call["num_inference_steps"]!,
            (double)call["guidance_scale"]!, (int)call["max_sequence_length"]!, ulong.Parse(seed.Groups[1].Value), (double)scheduler["shift"]!);
    }

    [GeneratedRegex(@"Generator\('cpu'\)\.manual_seed\((\d+)\)")]
    private static partial Regex SeedPattern();
}
