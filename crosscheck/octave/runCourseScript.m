function [printed, failure, vars] = runCourseScript(name, seed)
% [printed, failure, vars] = runCourseScript(name, seed): run the course's script or
% no-argument self-demo `name` as-is, in a workspace of its own (crosscheck helper, ours).
%
% The course's test scripts start with `close all; clear all; clc;`: run in the
% session's workspace they would clear it; here they clear this function's. Octave's
% generators are seeded with `seed` first (randn/rand 'state'), so a run is
% reproducible (a script that calls rng itself, as testSingleLayerNNObjFun's rng(20),
% reseeds). printed: what the script printed; failure: '' or the error message
% it stopped with; vars: the numeric variables it left (up to 1e5 entries each).
randn('state', seed); rand('state', seed);
try
  printed = evalc(name);
  failure = '';
catch err
  printed = '';
  failure = err.message;
end
vars = struct();
names = who();
for k = 1:numel(names)
  v = eval(names{k});
  if isnumeric(v) && numel(v) <= 1e5 && ~any(strcmp(names{k}, {'printed', 'failure', 'vars', 'names', 'k', 'v', 'err'}))
    vars.(names{k}) = full(double(v));
  end
end
end
