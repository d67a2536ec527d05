using Workflow.Host.Memory;

namespace Workflow.Host.Tests.Memory;

/// <summary>
/// The device memory budget on a made-up device of 16 GB with a 10 GB budget, 1 GB of which stays free for
/// inference: which weights leave first, which never leave, what happens to a model larger than the budget, and
/// that weights come back when used again.
/// </summary>
public sealed class ModelMemoryTests
{
    private const long GB = 1L << 30;
    private readonly FakeDeviceMemory _device = new(16 * GB);
    private readonly WarningLog _log = new();
    private readonly ModelMemory _memory;

    public ModelMemoryTests() => _memory = new ModelMemory(_device, new ModelMemoryBudget(10 * GB, 1 * GB), _log);

    [Fact]
    public void The_least_recently_used_model_leaves_first_when_a_model_about_to_run_does_not_fit()
    {
        var (unet, vae, clip) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB), _device.Add("clip", 4 * GB));
        Run(unet);
        Run(vae);
        Run(clip);   // needs 4 + 1 GB; 2 GB are left: the UNet, used longest ago, goes

        Assert.Equal(["unet → device", "vae → device", "unet → host", "clip → device"], _device.Moves);
        Assert.Equal([clip, vae], _memory.Resident);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void A_model_in_use_is_never_offloaded_even_when_it_is_the_oldest()
    {
        var (unet, vae, clip) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB), _device.Add("clip", 4 * GB));
        using (_memory.Use([unet]))
        {
            Run(vae);
            Run(clip);
            Assert.True(unet.OnDevice);
        }
        Assert.Equal(["unet → device", "vae → device", "vae → host", "clip → device"], _device.Moves);
    }

    [Fact]
    public void Weights_return_to_the_device_on_their_next_use()
    {
        var (unet, vae, clip) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB), _device.Add("clip", 4 * GB));
        Run(unet);
        Run(vae);
        Run(clip);
        Run(unet);   // back, and now the VAE is the oldest

        Assert.Equal(["unet → device", "vae → device", "unet → host", "clip → device", "vae → host", "unet → device"], _device.Moves);
        Assert.Equal([unet, clip], _memory.Resident);
    }

    [Fact]
    public void A_model_too_big_for_the_budget_still_runs_whole_after_everything_else_has_left_and_a_warning_says_so()
    {
        var (vae, huge) = (_device.Add("vae", 2 * GB), _device.Add("huge", 12 * GB));
        Run(vae);
        Run(huge);

        Assert.Equal(["vae → device", "vae → host", "huge → device"], _device.Moves);
        var warning = Assert.Single(_log.Warnings);
        Assert.Contains("13312 MiB", warning);
        Assert.Contains("10240 MiB", warning);
    }

    [Fact]
    public void Models_a_node_runs_together_load_together_and_stay_while_it_runs()
    {
        var (unet, vae, clip) = (_device.Add("unet", 4 * GB), _device.Add("vae", 3 * GB), _device.Add("clip", 3 * GB));
        Run(clip);
        using (_memory.Use([unet, vae, unet]))   // 7 GB + 1 GB: the CLIP leaves first
            Assert.Equal(["clip → host", "unet → device", "vae → device"], _device.Moves.Skip(1));
        Assert.True(unet.OnDevice && vae.OnDevice);
    }

    [Fact]
    public void Models_a_loader_made_on_the_device_are_counted_and_push_the_oldest_out_past_the_budget()
    {
        var (old, loaded) = (_device.Add("old", 6 * GB), _device.Add("loaded", 6 * GB, onDevice: true));
        Run(old);
        _memory.Adopt([loaded]);

        Assert.Equal(["old → device", "old → host"], _device.Moves);
        Assert.Equal([loaded], _memory.Resident);
    }

    [Fact]
    public void What_the_device_reports_free_limits_the_room_as_well_as_the_budget()
    {
        var (unet, vae) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB));
        _device.OtherBytes = 9 * GB;   // another process: 16 - 9 = 7 GB free, though the budget has 10
        Run(unet);
        Run(vae);   // needs 5 GB, 3 GB free: the UNet leaves

        Assert.Equal(["unet → device", "unet → host", "vae → device"], _device.Moves);
    }

    [Fact]
    public void A_model_already_on_the_device_still_gets_its_inference_memory()
    {
        var (unet, vae) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB));
        Run(unet);
        Run(vae);
        _device.OtherBytes = 15 * GB / 2;   // 16 - 8 - 7.5 = 0.5 GB free, under the 1 GB reserve
        Run(vae);   // nothing to load, but the unused UNet leaves for the activations

        Assert.Equal(["unet → device", "vae → device", "unet → host"], _device.Moves);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Freed_weights_are_forgotten_and_never_moved()
    {
        var (unet, vae, clip) = (_device.Add("unet", 4 * GB), _device.Add("vae", 4 * GB), _device.Add("clip", 4 * GB));
        Run(unet);
        Run(vae);
        (unet.IsAlive, unet.OnDevice) = (false, false);   // its value left the cache and was disposed
        Run(clip);

        Assert.Equal(["unet → device", "vae → device", "clip → device"], _device.Moves);
        Assert.Equal([clip, vae], _memory.Resident);
    }

    private void Run(FakeWeights model)
    {
        using var lease = _memory.Use([model]);
        Assert.True(model.OnDevice);
    }
}
