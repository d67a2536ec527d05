using Workflow.Nodes.Diffusion.Models.MultiView;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.MultiView;

/// <summary>The reference slot is the last view of every sample (rows view-fastest): written, appended and removed there only.</summary>
public sealed class ReferenceSlotTests
{
    [Fact]
    public void Overwrite_writes_the_last_view_of_each_sample_and_keeps_extra_channels()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([2 * 3, 6, 2, 2], new Generator(0));   // 2 samples of 3 frames, 4 latent + 2 extra channels
        var references = torch.randn([2, 4, 2, 2], new Generator(1));

        var written = ReferenceSlot.Overwrite(x, references, frames: 3);

        for (int row = 0; row < 6; row++)
        {
            bool slot = row % 3 == 2;
            Assert.True(written[row].narrow(0, 0, 4).equal(slot ? references[row / 3] : x[row].narrow(0, 0, 4)), $"row {row}");
            Assert.True(written[row].narrow(0, 4, 2).equal(x[row].narrow(0, 4, 2)), $"row {row}'s extra channels");
        }
    }

    [Fact]
    public void Append_then_remove_gives_back_the_views()
    {
        using var scope = torch.NewDisposeScope();
        var views = torch.randn([2 * 4, 3], new Generator(0));
        var slots = torch.randn([2, 3], new Generator(1));

        var frames = ReferenceSlot.Append(views, 4, slots);

        Assert.Equal([10, 3], frames.shape);
        Assert.True(frames[4].equal(slots[0]) && frames[9].equal(slots[1]), "the slots are not after each sample's views");
        Assert.True(frames[5].equal(views[4]), "the second sample's views moved");
        Assert.True(ReferenceSlot.Remove(frames, 5).equal(views));
    }
}
