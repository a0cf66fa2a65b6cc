#!/usr/bin/env python3
"""ci_recipes.py — run a CI recipe's shard and merge commands locally, as its engine would.

For the recipes in scripts/ci/ (tests/integration/ci_recipes_test.cpp): parse the recipe
(python3-yaml), find the shard job and the merge job, and run their commands as N local
processes with exactly the variables the engine sets (GitHub's matrix value substituted,
GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, Kubernetes' JOB_COMPLETION_INDEX), each in a directory
of its own; move the artifacts the recipe passes from the shard jobs to the merge job; run the
merge. Only the site (SITEMAP) and the report volume (REPORTS) are replaced by local ones, and
siteaudit is the binary under test. Prints one JSON object: the number of parts, each shard
command's exit status, the merge's, and where the merged report and summary are.

Usage: ci_recipes.py github|gitlab|kubernetes RECIPE [MERGE_RECIPE] --sitemap URL
                     --binary PATH --work DIR
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

ENGINE_VARIABLES = ("JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "CI_NODE_TOTAL")


def fail(message):
    print(f"ci_recipes.py: {message}", file=sys.stderr)
    sys.exit(2)


def base_environment(binary):
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    env["PATH"] = os.path.dirname(os.path.abspath(binary)) + os.pathsep + env.get("PATH", "")
    return env


def workdir(root, name, binary):
    """A job's working directory, with build/siteaudit as the recipes' build step leaves it."""
    path = os.path.join(root, name)
    os.makedirs(os.path.join(path, "build"), exist_ok=True)
    link = os.path.join(path, "build", "siteaudit")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(binary), link)
    return path


def run(script, cwd, env):
    """Runs a step's script as the engines do: `sh -e` (GitHub's shell in a container job)."""
    done = subprocess.run(["/bin/sh", "-e", "-c", script], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(done.stdout)
    return done.returncode


def step(job, step_id):
    for s in job.get("steps", []):
        if s.get("id") == step_id:
            return s
    fail(f"no step with id '{step_id}'")


def github(args):
    with open(args.recipe) as f:
        flow = yaml.safe_load(f)
    env_vars = {k: str(v) for k, v in flow.get("env", {}).items()}
    env_vars["SITEMAP"] = args.sitemap
    shard_job, merge_job = flow["jobs"]["shard"], flow["jobs"]["merge"]
    values = shard_job["strategy"]["matrix"]["shard"]
    if str(len(values)) != env_vars.get("PARTS"):
        fail(f"the matrix has {len(values)} values, PARTS is {env_vars.get('PARTS')}")
    merge_dir = workdir(args.work, "merge", args.binary)
    codes = []
    for value in values:
        cwd = workdir(args.work, f"shard-{value}", args.binary)
        env = base_environment(args.binary) | env_vars | {"GITHUB_ACTIONS": "true", "CI": "true"}
        expand = lambda text: text.replace("${{ matrix.shard }}", str(value))
        script = expand(step(shard_job, "shard")["run"])
        if "${{" in script:
            fail(f"an expression this runner does not know: {script}")
        codes.append(run(script, cwd, env))
        # upload-artifact, then download-artifact with merge-multiple into parts/.
        upload = next(s for s in shard_job["steps"] if "upload-artifact" in s.get("uses", ""))
        download = next(s for s in merge_job["steps"]
                        if "download-artifact" in s.get("uses", ""))
        target = os.path.join(merge_dir, download["with"]["path"])
        os.makedirs(target, exist_ok=True)
        for path in glob.glob(os.path.join(cwd, expand(upload["with"]["path"]))):
            shutil.copy(path, target)
    summary = os.path.join(merge_dir, "step-summary.md")
    env = base_environment(args.binary) | env_vars | {"GITHUB_ACTIONS": "true", "CI": "true",
                                                      "GITHUB_STEP_SUMMARY": summary}
    merge_code = run(step(merge_job, "merge")["run"], merge_dir, env)
    return len(values), codes, merge_code, os.path.join(merge_dir, "report.json"), summary


def gitlab(args):
    with open(args.recipe) as f:
        pipeline = yaml.safe_load(f)
    variables = {k: str(v) for k, v in pipeline.get("variables", {}).items()}
    variables["SITEMAP"] = args.sitemap
    shard_job, merge_job = pipeline["siteaudit-shard"], pipeline["siteaudit-merge"]
    if "siteaudit-shard" not in merge_job.get("needs", []):
        fail("the merge job does not need the shard jobs")
    parts = int(shard_job["parallel"])
    merge_dir = workdir(args.work, "merge", args.binary)
    codes = []
    for index in range(1, parts + 1):
        cwd = workdir(args.work, f"shard-{index}", args.binary)
        env = base_environment(args.binary) | variables | {
            "GITLAB_CI": "true", "CI": "true",
            "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(parts)}
        code = 0
        for line in shard_job["script"]:
            code = run(line, cwd, env)
            if code != 0:
                break
        codes.append(code)
        for pattern in shard_job["artifacts"]["paths"]:
            for path in glob.glob(os.path.join(cwd, pattern)):
                shutil.copy(path, merge_dir)
    env = base_environment(args.binary) | variables | {"GITLAB_CI": "true", "CI": "true"}
    merge_code = 0
    for line in merge_job["script"]:
        merge_code = run(line, merge_dir, env)
        if merge_code != 0:
            break
    return (parts, codes, merge_code, os.path.join(merge_dir, "report.json"),
            os.path.join(merge_dir, "summary.md"))


def container_script(job):
    container = job["spec"]["template"]["spec"]["containers"][0]
    command = container.get("command", []) + container.get("args", [])
    if command[:2] != ["/bin/sh", "-c"] or len(command) != 3:
        fail(f"expected command /bin/sh -c SCRIPT, got {command}")
    env = {e["name"]: str(e["value"]) for e in container.get("env", [])}
    return command[2], env


def kubernetes(args):
    with open(args.recipe) as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    job = next(d for d in documents if d["kind"] == "Job")
    if job["spec"].get("completionMode") != "Indexed":
        fail("the shard Job is not an Indexed Job")
    parts = int(job["spec"]["completions"])
    reports = os.path.join(args.work, "reports")  # the shared volume
    os.makedirs(reports, exist_ok=True)
    script, manifest_env = container_script(job)
    codes = []
    for index in range(parts):
        cwd = workdir(args.work, f"pod-{index}", args.binary)
        env = base_environment(args.binary) | manifest_env | {
            "SITEMAP": args.sitemap, "REPORTS": reports, "JOB_COMPLETION_INDEX": str(index)}
        codes.append(run(script, cwd, env))
    with open(args.merge_recipe) as f:
        merge = next(d for d in yaml.safe_load_all(f) if d and d["kind"] == "Job")
    script, manifest_env = container_script(merge)
    env = base_environment(args.binary) | manifest_env | {"REPORTS": reports}
    merge_code = run(script, workdir(args.work, "merge", args.binary), env)
    return parts, codes, merge_code, os.path.join(reports, "report.json"), os.path.join(
        reports, "junit.xml")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["github", "gitlab", "kubernetes"])
    parser.add_argument("recipe")
    parser.add_argument("merge_recipe", nargs="?")
    parser.add_argument("--sitemap", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    parts, codes, merge_code, report, summary = {"github": github, "gitlab": gitlab,
                                                 "kubernetes": kubernetes}[args.engine](args)
    print(json.dumps({"parts": parts, "shard_codes": codes, "merge_code": merge_code,
                      "report": report, "summary": summary}))


if __name__ == "__main__":
    main()
