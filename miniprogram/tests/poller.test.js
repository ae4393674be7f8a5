const { createPoller } = require('../utils/poller')

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

// A step whose promises the test resolves by hand.
function manualStep() {
  const calls = []
  const step = jest.fn(() => new Promise((resolve) => calls.push(resolve)))
  return { step, calls }
}

test('waits for each step to finish, then the delay, before the next', async () => {
  const { step, calls } = manualStep()
  const poller = createPoller(step, 500)
  poller.start()
  await jest.advanceTimersByTimeAsync(0)
  expect(step).toHaveBeenCalledTimes(1)
  await jest.advanceTimersByTimeAsync(5000)
  expect(step).toHaveBeenCalledTimes(1)
  calls[0]()
  await jest.advanceTimersByTimeAsync(499)
  expect(step).toHaveBeenCalledTimes(1)
  await jest.advanceTimersByTimeAsync(1)
  expect(step).toHaveBeenCalledTimes(2)
  poller.stop()
})

test('a step returning false stops it; a number sets the next delay', async () => {
  const results = [2000, false]
  const step = jest.fn(async () => results.shift())
  const poller = createPoller(step, 500)
  poller.start()
  await jest.advanceTimersByTimeAsync(0)
  await jest.advanceTimersByTimeAsync(1999)
  expect(step).toHaveBeenCalledTimes(1)
  await jest.advanceTimersByTimeAsync(1)
  expect(step).toHaveBeenCalledTimes(2)
  expect(poller.isRunning()).toBe(false)
  await jest.advanceTimersByTimeAsync(10000)
  expect(step).toHaveBeenCalledTimes(2)
})

test('a step that throws stops it', async () => {
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {})
  const step = jest.fn(async () => {
    throw new Error('boom')
  })
  const poller = createPoller(step, 500)
  poller.start()
  await jest.advanceTimersByTimeAsync(5000)
  expect(step).toHaveBeenCalledTimes(1)
  expect(poller.isRunning()).toBe(false)
  spy.mockRestore()
})

test('stop then start during a step does not overlap a second step', async () => {
  const { step, calls } = manualStep()
  const poller = createPoller(step, 500)
  poller.start()
  await jest.advanceTimersByTimeAsync(0)
  poller.stop()
  poller.start()
  poller.start()
  await jest.advanceTimersByTimeAsync(3000)
  expect(step).toHaveBeenCalledTimes(1)
  calls[0]()
  await jest.advanceTimersByTimeAsync(500)
  expect(step).toHaveBeenCalledTimes(2)
  poller.stop()
})
