"""Where SpiffWorkflow's defaults do not suit instances that live for years, set once on import."""
from __future__ import annotations

from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.util.task import TaskIterator

UNLIMITED = 10**9


def walk_the_whole_task_tree() -> None:
    """SpiffWorkflow stops walking the task tree 1,000 levels down (max_depth of its task iterators), and
    every loop turn adds levels: after some hundreds of turns (a correction sent back again and again, a
    recurring check in one instance) the tasks below are no longer found, so gateways stop running and
    timers stop firing, silently. Walk the whole tree instead."""
    for cls in (TaskIterator, BpmnTaskIterator):
        defaults = list(cls.__init__.__defaults__ or ())
        if len(defaults) > 1 and defaults[1] == 1000:  # (end_at_spec, max_depth, ...)
            defaults[1] = UNLIMITED
            cls.__init__.__defaults__ = tuple(defaults)


walk_the_whole_task_tree()
