function clf(varargin)
% clf(...): headless stand-in for Octave's clf (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in clf; the course's files call it.
end
