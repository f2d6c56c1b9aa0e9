"""The ECS call budget, on a fake clock."""

from lambdas.ecs.reads import ECS_READ_BURST, ECS_READ_RATE_PER_SECOND
from lambdas.platform.aws.rate_limit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_given_a_fresh_bucket_then_the_burst_goes_at_once_and_the_rest_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=20, clock=clock, sleep=clock.sleep)

    waits = [bucket.acquire() for _ in range(40)]

    assert waits[:20] == [0.0] * 20
    assert all(abs(w - 0.1) < 1e-9 for w in waits[20:])
    assert abs(clock.now - 2.0) < 1e-9  # 20 calls beyond the burst at 10 per second


def test_given_idle_time_then_tokens_refill_up_to_the_burst_only():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=20, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        bucket.acquire()

    clock.now += 60  # a minute idle refills 600 tokens, capped at 20

    assert [bucket.acquire() for _ in range(21)][-2:] == [0.0, 0.1]


def test_given_the_ecs_budget_then_it_stays_within_half_of_what_aws_allows():
    # ECS cluster-resource reads: 100 burst, 20 per second per account and region.
    assert ECS_READ_RATE_PER_SECOND <= 20 / 2
    assert ECS_READ_BURST <= 100 / 5
