using System.Text.Json.Nodes;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>CameraFromActions (diffusers mapping) against dsl.json: cam_utils.action_string_to_c2w on valid and invalid strings.</summary>
public sealed class ActionStringFixtureTests
{
    public static TheoryData<int, string> Valid => Rows(valid: true);

    public static TheoryData<int, string> Invalid => Rows(valid: false);

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Valid))]
    public void Poses_match_diffusers_action_string_to_c2w(int index, string action)
    {
        var test = Case(index);
        var speeds = Speeds(test["kwargs"]!.AsObject());
        var camera = new CameraFromActions().Execute(action, speeds.TranslationSpeed, speeds.RotationSpeedDeg, speeds.PitchLimitDeg);
        Compare.Within($"{SanaWmCameraFixture.Name} dsl.json case {index} '{action}' c2w", SanaWmCameraFixture.Doubles(test["c2w"]),
            Flatten(camera), (double)test["tolerance_max_abs_diff"]!, [.. test["shape"]!.AsArray().Select(d => (long)d!)]);
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Valid))]
    public void Held_keys_per_frame_match_the_parser(int index, string action)
    {
        var expected = Case(index)["per_frame_keys"]!.AsArray().Select(k => (string)k!).ToList();
        var actual = ActionScript.Parse(action).Frames.Select(KeyLetters).ToList();
        Assert.Equal(expected, actual);
    }

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Invalid))]
    public void Invalid_strings_are_refused_as_upstream_refuses_them(int index, string action)
    {
        var expected = (string)Case(index)["exception_message"]!;
        var error = Assert.Throws<FormatException>(() => ActionScript.Parse(action));
        if (expected.StartsWith("invalid literal for int()", StringComparison.Ordinal))
            // Python's own int() message names no segment; ours does, for the same refusal.
            Assert.Equal($"Action segment '{action}' has a duration '{action[(action.LastIndexOf('-') + 1)..]}' that is not a decimal number.", error.Message);
        else
            Assert.Equal(expected, error.Message);
    }

    private static JsonObject Case(int index) => SanaWmCameraFixture.Cases("dsl.json")[index]!.AsObject();

    private static TheoryData<int, string> Rows(bool valid)
    {
        var rows = new TheoryData<int, string>();
        var cases = SanaWmCameraFixture.Cases("dsl.json");
        for (var i = 0; i < cases.Count; i++)
            if ((bool)cases[i]!["valid"]! == valid)
                rows.Add(i, (string)cases[i]!["action"]!);
        return rows;
    }

    /// <summary>The fixture's defaults, overridden by the case's kwargs.</summary>
    private static ActionSpeeds Speeds(JsonObject kwargs)
    {
        var defaults = SanaWmCameraFixture.Json("dsl.json")["defaults"]!.AsObject();
        double Get(string name) => (double)(kwargs[name] ?? defaults[name])!;
        return new ActionSpeeds(Get("translation_speed"), Get("rotation_speed_deg"), Get("pitch_limit_deg"));
    }

    private static string KeyLetters(HeldKeys keys) =>
        string.Concat(Enum.GetValues<HeldKeys>().Where(k => k != HeldKeys.None && keys.HasFlag(k)).Select(k => k.ToString().ToLowerInvariant()).Order());

    internal static double[] Flatten(NodeSdk.Data.Camera camera) => [.. camera.Poses.SelectMany(p => p.ToRowMajor())];
}
