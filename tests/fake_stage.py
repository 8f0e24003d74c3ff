"""A third stage, registered the way a plugin would (REDUCER_STAGE_PLUGINS=this file): `fake-opt`.

Its binary is whatever REDUCER_FAKE_OPT names (the tests point it at the real triton-adapter-opt), under its
own name, file names, input kind, log tag and tracker: nothing in reducer/ knows about it.
"""

from reducer.stage import table as stages

FAKE = stages.register(
    stages.StageSpec(
        name="fake",
        tool="fake-opt",
        wheel="fake-wheel",
        package="",
        path_in_package="",
        override_env="REDUCER_FAKE_OPT",
        path_names=(),
        input_name="input.fake.mlir",
        output_name="output.fake.mlir",
        input_kind="fakeir",
        input_label="fake IR",
        backend_stage="fakebin",
        log_tag="FakeStageError",
        tracker="fake-tracker",
        tracker_url="https://example.invalid/fake/issues",
        expected="`fake-opt` lowers its input and exits 0.",
        flags=stages.ADAPTER.flags,
        pass_flags=stages.ADAPTER.pass_flags,
    )
)
