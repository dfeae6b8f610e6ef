function fig = figure(varargin)
% fig = figure(...): headless stand-in for Octave's figure (crosscheck shim, ours).
% octave-cli without a graphics toolkit errors in figure ("no graphics toolkits
% are available!"); the course's test scripts and setupPeaks.m call it. Returns
% a struct so that the course's `fig.Name = ...` works; draws nothing.
fig = struct('Name', '', 'Number', 1);
end
