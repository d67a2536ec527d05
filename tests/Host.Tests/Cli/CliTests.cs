using System.Text.Json.Nodes;
using Workflow.Host.Tests.Support;
using Workflow.Testing;

namespace Workflow.Host.Tests.Cli;

/// <summary>The command line, run as a process against the real Nodes.Core plugin: outputs, exit codes, JSON shapes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-cli-").FullName;
    private readonly string _arithmetic = Path.Combine(Golden.RepoRoot, "workflows", "arithmetic.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliRunner.Outcome Workflow(params string[] args) => CliRunner.Run(_dir, args);

    private string WriteWorkflow(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid() + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Run_writes_the_output_file_and_says_where()
    {
        var outcome = Workflow("run", _arithmetic);
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Equal("The answer is 42", File.ReadAllText(Path.Combine(_dir, "output", "arithmetic", "answer_00001_.txt")));
        Assert.Contains("wrote output/arithmetic/answer_00001_.txt", outcome.Stdout);
    }

    [Fact]
    public void Set_overrides_an_input_and_repeat_reruns_from_the_cache()
    {
        var outcome = Workflow("run", _arithmetic, "--set", "2.value=100", "--repeat", "2");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("The answer is 120", File.ReadAllText(Path.Combine(_dir, "output", "arithmetic", "answer_00001_.txt")));
        Assert.Contains("executed 6 node(s), 0 from cache", outcome.Stdout);
        Assert.Contains("executed 0 node(s), 6 from cache", outcome.Stdout);
        Assert.Single(outcome.Stdout.Split('\n'), line => line.Contains(" wrote ", StringComparison.Ordinal));   // the cached SaveText wrote nothing
    }

    /// <summary>The image-prompted example on the models setup installs, run as a user runs it.</summary>
    [GoldenFact("multiview-tiny")]
    public void IpAdapter_example_runs_from_the_command_line()
    {
        FixtureModels.Install(_dir);
        var outcome = Workflow("run", Path.Combine(Golden.RepoRoot, "workflows", "sd15_ipadapter.json"));
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Contains("wrote output/sd15_ipadapter_00001_.png", outcome.Stdout);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", "sd15_ipadapter_00001_.png"))));
    }

    /// <summary>The LoRA example (a random kohya-layout LoRA the fixture script writes, with CLIP skip) as a user runs it.</summary>
    [GoldenFact("sd15-tiny")]
    public void Lora_example_runs_from_the_command_line()
    {
        FixtureModels.Install(_dir);
        var outcome = Workflow("run", Path.Combine(Golden.RepoRoot, "workflows", "sd15_lora.json"));
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Contains("wrote output/sd15_lora_00001_.png", outcome.Stdout);
        Assert.DoesNotContain("lora key not loaded", outcome.Stdout + outcome.Stderr);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", "sd15_lora_00001_.png"))));
    }

    /// <summary>
    /// A workflow as ComfyUI's "Save (API)" writes it, with what shared SD1.5 workflows use beyond the default graph:
    /// dpmpp_2m with karras, a LoRA, CLIP skip, a separate VAE and a preview beside the saved image. It runs unmodified.
    /// </summary>
    [GoldenFact("sd15-tiny")]
    public void Everyday_comfyui_workflow_runs_unmodified()
    {
        FixtureModels.Install(_dir);
        var outcome = Workflow("run", Path.Combine(Golden.RepoRoot, "workflows", "comfyui_everyday.json"));
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Contains("#9 wrote output/ComfyUI_00001_.png", outcome.Stdout);
        Assert.Matches(@"#13 wrote temp/ComfyUI_temp_[a-z]{5}_00001_\.png", outcome.Stdout);
        Assert.DoesNotContain("lora key not loaded", outcome.Stdout + outcome.Stderr);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", "ComfyUI_00001_.png"))));
    }

    /// <summary>
    /// --precision sets what a loader's weight_dtype "default" means: bf16 runs SD1.5 on the CPU; fp16 is refused there
    /// naming the loader's input and the option where libtorch has no float16 CPU kernels; a name that is no precision
    /// is a command-line error.
    /// </summary>
    [GoldenFact("sd15-tiny")]
    public void Precision_sets_the_loaders_default_dtype()
    {
        FixtureModels.Install(_dir);
        var sd15 = Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json");
        var bf16 = Workflow("run", sd15, "--precision", "bf16");
        Assert.True(bf16.ExitCode == 0, bf16.Stdout + bf16.Stderr);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", "sd15_txt2img_00001_.png"))));
        var fp16 = Workflow("run", sd15, "--precision", "fp16", "--device", "cpu");
        if (fp16.ExitCode != 0)
        {
            Assert.Equal(3, fp16.ExitCode);
            Assert.Contains("node #4 (LoadCheckpoint) failed: weight_dtype = 'default': fp16 weights (the host's --precision) need a GPU here", fp16.Stderr);
        }
        var bad = Workflow("run", sd15, "--precision", "fp8");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--precision fp8: expected fp32, fp16, bf16 or default", bad.Stdout + bad.Stderr);
    }

    /// <summary>
    /// The example workflows whose models have ops torch 1.13 lacks in half precision on the CPU (transposed
    /// convolutions, reflection padding) or their own dtype rules (LTX-2, IP-Adapter, multi-view cameras, SD3's three
    /// encoders) run end to end with --precision bf16 and write their outputs.
    /// </summary>
    [GoldenTheory("multiview-tiny")]
    [InlineData("sd15_latent_upscale_x2.json")]
    [InlineData("multiview_from_image.json")]
    [InlineData("sd15_ipadapter.json")]
    [InlineData("sd3_txt2img.json")]
    [InlineData("arrefine_tiny.json")]
    public void Model_examples_run_in_bf16(string workflow)
    {
        FixtureModels.Install(_dir);
        var outcome = Workflow("run", Path.Combine(Golden.RepoRoot, "workflows", workflow), "--precision", "bf16");
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Matches(@"wrote output/\S+\.(png|mp4)", outcome.Stdout);
    }

    /// <summary>The SD3 examples (our nodes on the diffusers folder; ComfyUI's API shape on the single file with TripleCLIPLoader) as a user runs them.</summary>
    [GoldenTheory("sd3-tiny")]
    [InlineData("sd3_txt2img.json", "sd3_txt2img_00001_.png")]
    [InlineData("comfyui_sd3_txt2img.json", "ComfyUI_00001_.png")]
    public void Sd3_example_runs_from_the_command_line(string workflow, string png)
    {
        FixtureModels.Install(_dir);
        var outcome = Workflow("run", Path.Combine(Golden.RepoRoot, "workflows", workflow));
        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Contains($"wrote output/{png}", outcome.Stdout);
        Assert.True(Imaging.Png.IsPng(File.ReadAllBytes(Path.Combine(_dir, "output", png))));
    }

    [Fact]
    public void Failing_node_exits_3_naming_node_input_and_value()
    {
        var outcome = Workflow("run", _arithmetic, "--set", "2.value=0", "--set", "3.operation=divide");
        Assert.Equal(3, outcome.ExitCode);
        Assert.Contains("node #3 (IntArithmetic) failed: b = 0: division by zero", outcome.Stderr);
        Assert.DoesNotContain("failed", outcome.Stdout);
        Assert.DoesNotContain(" at ", outcome.Stderr);
    }

    [Fact]
    public void Plugins_folder_that_does_not_exist_is_a_warning_on_stderr()
    {
        var missing = Path.Combine(_dir, "no-such-plugins");
        var outcome = Workflow("nodes", "--plugins", missing);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains($"plugin folder {missing} does not exist; no plugins were loaded from it", outcome.Stderr);
    }

    [Fact]
    public void Failing_node_under_verbose_shows_the_exception_type_and_stack()
    {
        var outcome = Workflow("run", _arithmetic, "--set", "2.value=0", "--set", "3.operation=divide", "--verbose");
        Assert.Equal(3, outcome.ExitCode);
        Assert.Contains("node #3 (IntArithmetic) failed: Workflow.NodeSdk.InputException: b = 0: division by zero", outcome.Stderr);
        Assert.Contains("at Workflow.Nodes.Core.Math.", outcome.Stderr);
    }

    [Fact]
    public void Device_cpu_runs_and_a_bad_device_is_refused_with_exit_1()
    {
        Assert.Equal(0, Workflow("run", _arithmetic, "--device", "cpu").ExitCode);
        var bad = Workflow("run", _arithmetic, "--device", "tpu:0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'tpu:0' is not a device", bad.Stdout + bad.Stderr);
    }

    [Fact]
    public void A_vram_budget_is_accepted_and_one_that_is_not_positive_is_refused_with_exit_1()
    {
        Assert.Equal(0, Workflow("run", _arithmetic, "--vram-mb", "2048").ExitCode);   // on the CPU it changes nothing
        var bad = Workflow("run", _arithmetic, "--vram-mb", "0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--vram-mb must be a positive number of MiB", bad.Stdout + bad.Stderr);
    }

    [Fact]
    public void Device_cuda_runs_where_libtorch_has_one_and_is_refused_naming_the_libtorch_where_not()
    {
        var outcome = Workflow("run", _arithmetic, "--device", "cuda");
        if (global::Workflow.Torch.torch.cuda.is_available())
        {
            Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
            return;
        }
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("sees no CUDA device", outcome.Stdout + outcome.Stderr);
    }

    [Fact]
    public void Validate_json_prints_ComfyUI_errors_and_exits_2()
    {
        var outcome = Workflow("validate", _arithmetic, "--set", "1.value=abc", "--json");
        Assert.Equal(2, outcome.ExitCode);
        var errors = JsonNode.Parse(outcome.Stdout)!;
        Assert.Equal("prompt_outputs_failed_validation", (string)errors["error"]!["type"]!);
        Assert.Equal("invalid_input_type", (string)errors["node_errors"]!["1"]!["errors"]![0]!["type"]!);
    }

    [Fact]
    public void Validate_of_a_valid_workflow_exits_0() => Assert.Equal(0, Workflow("validate", _arithmetic).ExitCode);

    [Fact]
    public void Malformed_file_exits_2_with_line_and_column()
    {
        var outcome = Workflow("validate", WriteWorkflow("{\"1\": {\"class_type\": \"PrimitiveInt\",}}"), "--json");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(1, (int)JsonNode.Parse(outcome.Stdout)!["error"]!["extra_info"]!["line"]!);
    }

    [Fact]
    public void Unknown_node_class_exits_2()
    {
        var outcome = Workflow("run", WriteWorkflow("""{"1": {"class_type": "NoSuchNode", "inputs": {}}}"""));
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("Node 'NoSuchNode' not found", outcome.Stderr);
        Assert.DoesNotContain("NoSuchNode", outcome.Stdout);
    }

    [Fact]
    public void Nodes_json_is_object_info()
    {
        var outcome = Workflow("nodes", "--json");
        Assert.Equal(0, outcome.ExitCode);
        var info = JsonNode.Parse(outcome.Stdout)!;
        TestEngine.AssertJsonEqual("""{"value": ["INT", {"default": 0, "min": -9223372036854775808, "max": 9223372036854775807, "step": 1}]}""",
            info["PrimitiveInt"]!["input"]!["required"]);
        Assert.Equal("Workflow.Nodes.Core", (string)info["SaveText"]!["python_module"]!);
        Assert.True((bool)info["SaveText"]!["output_node"]!);
    }

    [Fact]
    public void Bench_executor_json_reports_the_figures()
    {
        var outcome = Workflow("bench", "executor", "--json", "--nodes", "50", "--rounds", "1");
        Assert.Equal(0, outcome.ExitCode);
        var report = JsonNode.Parse(outcome.Stdout)!.AsObject();
        Assert.Equal(50, (int)report["nodes"]!);
        Assert.Equal(50, (int)report["list_elements"]!);
        Assert.All(["per_node_us", "cached_rerun_ms", "first_run_ms", "validate_ms", "list_run_ms", "list_per_element_us", "list_cached_rerun_ms"],
            key => Assert.True((double)report[key]! > 0, key));
    }
}
